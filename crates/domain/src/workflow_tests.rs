//! The table of review transitions, allowed and refused, by role and scope.

use super::*;
use crate::ids::{SectionId, SiteId, UnitId};

const SITE: SiteId = SiteId(1);
const UNIT: UnitId = UnitId(10);
const OFFICE: SectionId = SectionId(100);
const OTHER: SectionId = SectionId(200);

fn default_stages() -> Vec<Stage> {
    vec![
        Stage {
            name: "科室负责人审核".into(),
            role: Role::SectionHead,
            scope: ScopeRule::OwnerSection,
            deadline_days: 2,
        },
        Stage {
            name: "分管部长审批".into(),
            role: Role::DeputyMinister,
            scope: ScopeRule::OwnerUnit,
            deadline_days: 2,
        },
    ]
}

fn owner() -> Ownership {
    Ownership {
        site: SITE,
        section: Some(OFFICE),
        unit: Some(UNIT),
    }
}

fn holds(role: Role, scope: Scope) -> Vec<RoleInScope> {
    vec![RoleInScope { role, scope }]
}

/// (status, stage, who, expected outcome).
type Case<'a> = (
    ArticleStatus,
    usize,
    &'a Vec<RoleInScope>,
    Result<Next, Refusal>,
);

#[test]
fn review_transitions_allowed_and_refused_by_role_and_scope() {
    use ArticleStatus::*;
    let stages = default_stages();
    let head = holds(Role::SectionHead, Scope::Section(OFFICE));
    let other_head = holds(Role::SectionHead, Scope::Section(OTHER));
    let deputy = holds(Role::DeputyMinister, Scope::Unit(UNIT));
    let other_deputy = holds(Role::DeputyMinister, Scope::Unit(UnitId(11)));
    let officer = holds(Role::InfoOfficer, Scope::Section(OFFICE));
    let editor = holds(Role::SiteEditor, Scope::Site(SITE));
    // (status, stage, who, expected)
    let cases: Vec<Case> = vec![
        (InReview, 0, &head, Ok(Next::Review(1))),
        (InReview, 0, &other_head, Err(Refusal::NotYourStage)),
        (InReview, 0, &officer, Err(Refusal::NotYourStage)),
        (InReview, 0, &editor, Err(Refusal::NotYourStage)),
        // Nobody skips a stage: the deputy cannot approve stage 0.
        (InReview, 0, &deputy, Err(Refusal::NotYourStage)),
        (InReview, 1, &deputy, Ok(Next::Approved)),
        (InReview, 1, &other_deputy, Err(Refusal::NotYourStage)),
        (InReview, 1, &head, Err(Refusal::NotYourStage)),
        (Draft, 0, &head, Err(Refusal::WrongState)),
        (Returned, 0, &head, Err(Refusal::WrongState)),
        (Published, 1, &deputy, Err(Refusal::WrongState)),
        (Scheduled, 1, &deputy, Err(Refusal::WrongState)),
        (Withdrawn, 1, &deputy, Err(Refusal::WrongState)),
        (InReview, 5, &deputy, Err(Refusal::WrongState)),
    ];
    for (status, stage, who, expected) in cases {
        assert_eq!(
            approve(status, stage, &stages, who, &owner()),
            expected,
            "{status:?} at {stage} by {who:?}"
        );
    }
}

#[test]
fn send_back_goes_to_the_author_or_an_earlier_stage_only() {
    let stages = default_stages();
    let deputy = holds(Role::DeputyMinister, Scope::Unit(UNIT));
    let head = holds(Role::SectionHead, Scope::Section(OFFICE));
    let back = |who: &Vec<RoleInScope>, stage, to| {
        send_back(ArticleStatus::InReview, stage, &stages, who, &owner(), to)
    };
    assert_eq!(
        back(&deputy, 1, ReturnTo::Author),
        Ok(Next::Returned { resume: 1 })
    );
    assert_eq!(back(&deputy, 1, ReturnTo::Stage(0)), Ok(Next::Review(0)));
    assert_eq!(
        back(&deputy, 1, ReturnTo::Stage(1)),
        Err(Refusal::NotEarlier)
    );
    assert_eq!(back(&head, 0, ReturnTo::Stage(0)), Err(Refusal::NotEarlier));
    assert_eq!(back(&head, 1, ReturnTo::Author), Err(Refusal::NotYourStage));
    assert_eq!(
        send_back(
            ArticleStatus::Draft,
            0,
            &stages,
            &head,
            &owner(),
            ReturnTo::Author
        ),
        Err(Refusal::WrongState)
    );
}

#[test]
fn submission_starts_at_the_first_stage_or_resumes_where_sent_back() {
    use ArticleStatus::*;
    assert_eq!(submit(Draft, 2, 0), Ok(Next::Review(0)));
    assert_eq!(submit(Returned, 2, 1), Ok(Next::Review(1)));
    // A workflow shortened meanwhile resumes at its last stage.
    assert_eq!(submit(Returned, 1, 3), Ok(Next::Review(0)));
    assert_eq!(submit(Draft, 0, 0), Ok(Next::Approved));
    for status in [InReview, Scheduled, Published, Withdrawn] {
        assert_eq!(submit(status, 2, 0), Err(Refusal::WrongState), "{status:?}");
    }
}

#[test]
fn a_column_without_an_owner_has_no_section_reviewer() {
    let stages = default_stages();
    let head = holds(Role::SectionHead, Scope::Section(OFFICE));
    let unowned = Ownership {
        section: None,
        unit: None,
        ..owner()
    };
    assert_eq!(
        approve(ArticleStatus::InReview, 0, &stages, &head, &unowned),
        Err(Refusal::NotYourStage)
    );
}

#[test]
fn stages_are_checked_field_by_field() {
    let row = |n: &str, r: &str, s: &str, d: &str| {
        (n.to_owned(), r.to_owned(), s.to_owned(), d.to_owned())
    };
    let ok = parse_stages(&[row("科室负责人审核", "section_head", "section", "2")]).unwrap();
    assert_eq!(ok[0].role, Role::SectionHead);
    let bad = parse_stages(&[row("", "system_admin", "galaxy", "99")]).unwrap_err();
    let codes: Vec<&str> = bad.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        codes,
        [
            "stage0.name",
            "stage0.role",
            "stage0.scope",
            "stage0.deadline_days"
        ]
    );
    assert!(parse_stages(&[]).unwrap().is_empty());
}

#[test]
fn writers_write_for_their_own_section_or_unit_only() {
    let own = holds(Role::InfoOfficer, Scope::Section(OFFICE));
    let other = holds(Role::InfoOfficer, Scope::Section(OTHER));
    let township = holds(Role::InfoOfficer, Scope::Unit(UNIT));
    let editor = holds(Role::SiteEditor, Scope::Site(SITE));
    let deputy = holds(Role::DeputyMinister, Scope::Unit(UNIT));
    assert!(writes_for(&own, &owner()));
    assert!(!writes_for(&other, &owner()));
    assert!(writes_for(&township, &owner()));
    assert!(writes_for(&editor, &owner()));
    assert!(!writes_for(&deputy, &owner()), "approvers do not write");
}
