//! 简体中文消息。

use super::Key;

pub(super) fn text(key: Key) -> &'static str {
    match key {
        Key::ProductName => "Switchboard",
        Key::SkipToContent => "跳到主要内容",
        Key::MainNavigation => "主导航",
        Key::NavOverview => "概览",
        Key::NavUsers => "用户",
        Key::NavServices => "服务",
        Key::NavSettings => "设置",
        Key::Language => "语言",
        Key::ChangeLanguage => "切换",
        Key::Loading => "正在加载…",
        Key::TryAgain => "重试",
        Key::OverviewTitle => "概览",
        Key::OverviewUsersHeading => "组织成员",
        Key::OverviewTotalUsers => "全部用户",
        Key::StatusActive => "已激活",
        Key::StatusInvitePending => "邀请待接受",
        Key::StatusExpired => "已过期",
        Key::StatusDeactivated => "已停用",
        Key::OverviewCreated => "组织创建于 {date}",
        Key::NoOrganisationTitle => "尚无组织",
        Key::NoOrganisationBody => {
            "请先创建组织：scripts/run org create --name \"Acme\" --admin-email admin@acme.example --licences messaging=50,meetings=50,calling=10"
        }
        Key::UsersTitle => "用户",
        Key::ServicesTitle => "服务",
        Key::SettingsTitle => "设置",
        Key::NotBuiltYet => "门户的这一部分尚未开放。",
        Key::NotFoundTitle => "找不到页面",
        Key::NotFoundBody => "此地址没有页面。页面可能已移动，或链接有误。",
        Key::BackToOverview => "返回概览",
        Key::ErrorUnauthorized => "请先登录。",
        Key::ErrorForbidden => "您的角色无权执行此操作。",
        Key::ErrorNotFound => "找不到您要的内容。",
        Key::ErrorInvalid => "部分输入内容需要修改。",
        Key::ErrorInternal => "服务器出错，未做任何更改。",
        Key::ErrorUnreachable => "无法连接服务器，请检查网络后重试。",
        Key::ErrorReference => "参考编号：{id}",
        Key::OrganisationExists => "已存在同名组织。",
        Key::EmailInvalid => "这不是有效的电子邮件地址。",
        Key::OrganisationNameInvalid => "组织名称须为 1 到 100 个字符。",
        Key::MailGreeting => "您好：",
        Key::MailLinkFallback => "如果按钮无法使用，请将以下地址复制到浏览器中打开：",
        Key::MailFooter => "您收到此邮件是因为 {org} 正在使用 Switchboard。",
        Key::MailWelcomeSubject => "在 Switchboard 上设置 {org}",
        Key::MailWelcomeBody => {
            "您是 {org} 的首位管理员。请创建管理员账户，然后设置组织并添加成员。"
        }
        Key::MailWelcomeAction => "创建管理员账户",
        Key::MailWelcomeExpiry => {
            "此链接仅可使用一次，将于 {date} 失效。如已失效，请联系服务提供商重新发送。"
        }
        Key::ServiceMessaging => "消息",
        Key::ServiceMeetings => "会议",
        Key::ServiceCalling => "通话",
        Key::PasswordTooShort => "密码至少需要 8 个字符。",
        Key::PasswordTooLong => "密码最多 128 个字符。",
        Key::PasswordsDiffer => "两次输入的密码不一致。",
        Key::PasswordTooCommon => "此密码过于常见，容易被猜到，请换一个。",
        Key::PasswordIsEmail => "请勿使用电子邮件地址作为密码。",
    }
}
