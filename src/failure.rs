//! Why a command stopped, in words for the person at the console (English
//! and Chinese), and the exit status: 1 for a refusal or failure, 2 for a
//! configuration or usage error.

use dangjian_app::AppError;

use crate::config::ConfigError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: u8,
    pub message: String,
}

pub type Outcome<T = ()> = Result<T, Failure>;

impl Failure {
    /// A refusal or a failure of the operation (status 1).
    pub fn refused(message: impl Into<String>) -> Self {
        Self {
            status: 1,
            message: message.into(),
        }
    }

    /// A configuration or usage error (status 2).
    pub fn config(message: impl Into<String>) -> Self {
        Self {
            status: 2,
            message: message.into(),
        }
    }
}

impl From<ConfigError> for Failure {
    fn from(error: ConfigError) -> Self {
        Failure::config(error.0)
    }
}

impl From<AppError> for Failure {
    fn from(error: AppError) -> Self {
        Failure::refused(describe(&error))
    }
}

/// The message for an application error; never a debug dump.
pub fn describe(error: &AppError) -> String {
    match error {
        AppError::Forbidden(code) | AppError::Conflict(code) => message(code),
        AppError::Invalid(invalid) => {
            let mut text = String::from("the input was refused / 输入有误:");
            for field in &invalid.errors {
                text.push_str(&format!(
                    "\n  {}: {} ({})",
                    field.field,
                    message(&field.code),
                    field.code
                ));
            }
            text
        }
        AppError::NotFound => "not found / 未找到".into(),
        AppError::Unauthenticated => "authentication failed / 身份验证失败".into(),
        AppError::NotInitialised => {
            "the installation has not been initialised: run `dangjian init` / 系统尚未初始化，请先运行 dangjian init"
                .into()
        }
        AppError::Internal(detail) => format!("the operation failed / 操作失败: {detail}"),
    }
}

/// English and Chinese text for a message-catalog code; unknown codes are
/// shown as they are.
pub fn message(code: &str) -> String {
    MESSAGES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, en, zh)| format!("{en} / {zh}"))
        .unwrap_or_else(|| code.to_owned())
}

const MESSAGES: &[(&str, &str, &str)] = &[
    (
        "error.forbidden",
        "permission denied: your roles do not allow this",
        "无权执行此操作",
    ),
    (
        "error.conflict",
        "this conflicts with what is already stored",
        "与已有数据冲突",
    ),
    (
        "error.init.done",
        "the installation is already initialised",
        "系统已初始化，不能重复初始化",
    ),
    (
        "error.demo.real_content",
        "this installation holds articles or media and is not a demo: the demo leaves it alone; use an empty data directory",
        "此安装已有文章或媒体，不是演示站点，演示程序不会改动它；请另用一个空的数据目录",
    ),
    (
        "error.restore.not_empty",
        "the target installation is not empty; restore only into a new, empty data directory or database",
        "目标系统不是空的，只能恢复到新的空数据目录或空数据库",
    ),
    (
        "error.login.bad_credentials",
        "wrong username, password or authenticator code",
        "用户名、密码或动态验证码错误",
    ),
    (
        "error.login.locked",
        "the account is locked after too many failed logins; wait, or ask the system administrator to unlock it",
        "多次登录失败，账号已被锁定；请稍后再试或请系统管理员解锁",
    ),
    (
        "error.login.disabled",
        "the account is disabled",
        "账号已停用",
    ),
    (
        "error.login.finish_in_office",
        "this account must first log in at the office site to choose a new password and enrol an authenticator app",
        "该账号须先在办公后台登录，修改密码并绑定身份验证器",
    ),
    (
        "error.login.stage",
        "the login is not at this step",
        "登录步骤不正确",
    ),
    (
        "error.totp.required",
        "an authenticator code is required: pass --otp CODE or set DANGJIAN_OTP",
        "需要动态验证码：请使用 --otp 参数或设置 DANGJIAN_OTP",
    ),
    (
        "error.totp.wrong",
        "the authenticator code is wrong or was already used",
        "动态验证码错误或已使用",
    ),
    (
        "error.user.own_account",
        "you cannot do this to your own account",
        "不能对自己的账号执行此操作",
    ),
    (
        "error.grant.not_security_admin",
        "only a security administrator may grant or revoke roles",
        "只有安全管理员可以授予或撤销角色",
    ),
    (
        "error.grant.own_account",
        "nobody may grant or revoke their own roles",
        "不能授予或撤销自己的角色",
    ),
    (
        "error.grant.tripartite_conflict",
        "an account may not hold two of the system, security and audit administrator roles",
        "同一账号不能兼任系统管理员、安全管理员、审计管理员中的两个（三员分立）",
    ),
    (
        "error.grant.scope_not_allowed",
        "this role cannot be granted in this kind of scope",
        "该角色不能在此范围内授予",
    ),
    (
        "error.grant.already_held",
        "the account already holds this role in this scope",
        "该账号在此范围内已有此角色",
    ),
    (
        "error.username.format",
        "a username is 3 to 32 lowercase letters, digits, . _ or -, starting with a letter",
        "用户名须为3至32位小写字母、数字或 . _ -，以字母开头",
    ),
    (
        "error.username.taken",
        "this username is already taken",
        "用户名已被使用",
    ),
    (
        "error.person_name.required",
        "the person's name is required",
        "请填写姓名",
    ),
    (
        "error.phone.format",
        "the phone number is not valid",
        "电话号码格式不正确",
    ),
    (
        "error.unit.required",
        "an existing unit is required",
        "请选择存在的单位",
    ),
    (
        "error.section.not_in_unit",
        "the section does not belong to the unit",
        "科室不属于该单位",
    ),
    ("error.role.unknown", "unknown role", "未知角色"),
    (
        "error.scope.required",
        "an existing scope (site, unit or section and its id) is required",
        "请指定存在的授权范围",
    ),
    (
        "error.site_code.format",
        "the site code is not valid",
        "站点代码格式不正确",
    ),
    ("error.name.required", "a name is required", "请填写名称"),
    (
        "error.name.taken",
        "this name is already taken",
        "名称已被使用",
    ),
    ("error.text.too_long", "the text is too long", "文字过长"),
    (
        "error.text.control_characters",
        "the text contains control characters",
        "文字包含控制字符",
    ),
];

#[cfg(test)]
mod tests {
    use dangjian_domain::Invalid;

    use super::*;

    #[test]
    fn refusals_read_in_both_languages() {
        let text = describe(&AppError::Conflict("error.init.done"));
        assert_eq!(
            text,
            "the installation is already initialised / 系统已初始化，不能重复初始化"
        );
        assert_eq!(message("error.unheard_of"), "error.unheard_of");
    }

    #[test]
    fn invalid_input_lists_each_field() {
        let mut invalid = Invalid::one("username", "error.username.taken");
        invalid.push("phone", "error.phone.format");
        let text = describe(&AppError::Invalid(invalid));
        assert!(
            text.contains("username: this username is already taken"),
            "{text}"
        );
        assert!(
            text.contains("phone: the phone number is not valid"),
            "{text}"
        );
        assert!(!text.contains("FieldError"), "{text}");
    }
}
