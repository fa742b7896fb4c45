-- The Q&A (解疑释惑) joins the search feed: its questions' changes are
-- appended to search_changes by triggers (per backend, beside this file),
-- like the articles' (0015).
SELECT 1;
