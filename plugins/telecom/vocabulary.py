"""The telecom classification scheme: kinds, where complaints enter, what they are about.

Sources: seed 003, China Telecom's complaint management measures (中国电信天翼空间客户投诉
管理办法, arts 4-8) and the branch measures (分公司投诉处理管理办法, 升级投诉受理); seed 000 Ⅸ.
"""

from __future__ import annotations

from portal.sectorkit import Doc, label

# China Telecom measures arts 4-7 (seed 003): query 查询, consultation 咨询, fault report
# 障碍申告, complaint 投诉; appeal 申诉 is what the regulator's appeal centre receives.
KINDS = ["inquiry", "consultation", "fault", "complaint", "appeal"]

# Referred down by a higher body, or raised over the operator's head: the escalated
# complaints (升级投诉) of the branch measures, "自信产部、集团公司、通信管理局、消协等外部渠道
# 受理转派" (seed 003), plus the operator HQ's upgrade line (seed 000 Ⅸ).
REFERRAL_CHANNELS = [
    "upgrade_hotline",
    "group_referral",
    "admin_12300",
    "ministry",
    "consumer_association",
]

# Order 35 art 11 treats fee disputes (收费争议) apart: 5 months instead of 2 years.
FEE_CATEGORIES = ["billing"]


def channel_levels() -> list[Doc]:
    # China Telecom measures art 8(1) (seed 003): 省内渠道 vs 集团渠道; regulator referrals
    # are the third level of the appeal path (order 35 art 9; seed 003 攻略 投诉流程).
    return [
        {"key": "province", "label": label("Province channel", "省内渠道")},
        {"key": "group", "label": label("Group channel", "集团渠道")},
        {"key": "regulator", "label": label("Regulator referral", "监管及外部转派")},
    ]


def channels() -> list[Doc]:
    def channel(key: str, en: str, zh: str, level: str) -> Doc:
        return {"key": key, "label": label(en, zh), "level": level}

    return [
        # art 8(1): "省分公司及属地分公司各类渠道"; arts 4-7 name 10000号、营业厅、网厅、掌厅、
        # 自助终端、在线客服 (seed 003); letters: branch measures ⒊ 受理客户来函.
        channel("hotline", "Branch hotline 10000/10086/10010", "客服热线", "province"),
        channel("hall", "Service hall", "营业厅", "province"),
        channel("online_hall", "Provincial web or app hall", "网上及掌上营业厅", "province"),
        channel("online_chat", "Online customer service", "在线客服", "province"),
        channel("self_service", "Self-service terminal", "自助终端", "province"),
        channel("letter", "Letter", "信函", "province"),
        # art 8(1): "集团热线4008810000、集团网厅、网媒、微博等集团公司各类渠道".
        channel("group_hotline", "Group hotline 4008810000", "集团热线", "group"),
        channel("group_online", "Group web hall", "集团网厅", "group"),
        channel("online_media", "Online media", "网络媒体", "group"),
        channel("weibo", "Weibo", "微博", "group"),
        # seed 000 Ⅸ: the HQ upgrade line (e.g. 10015, 08:30-17:30); branch measures 升级投诉.
        channel("upgrade_hotline", "HQ upgrade hotline (e.g. 10015)", "升级投诉热线", "group"),
        channel("group_referral", "Referred by group HQ", "集团公司转派", "group"),
        # order 35 art 9; seed 003 攻略: area code + 12300, 010-12300; branch measures: 消协.
        channel(
            "admin_12300", "Communications administration 12300", "通信管理局12300", "regulator"
        ),
        channel("ministry", "MIIT appeal centre 010-12300", "工信部申诉受理中心", "regulator"),
        channel("consumer_association", "Consumer association", "消费者协会", "regulator"),
    ]


def categories() -> list[Doc]:
    # seed 003 攻略 "出现以下情况你可以投诉": what users complain about to the operator and the
    # regulator; attitude from the call-centre quality rules (seed 003 呼叫中心投诉处理流程).
    def category(key: str, en: str, zh: str) -> Doc:
        return {"key": key, "label": label(en, zh)}

    return [
        category("billing", "Charges and billing (fee dispute)", "计费及收费争议"),
        category(
            "unauthorised_service", "Service opened or cancelled unasked", "擅自开通或取消业务"
        ),
        category("network_quality", "Signal and network quality", "网络及信号质量"),
        category("marketing", "Marketing and promotions", "营销宣传及活动"),
        category("service_handling", "Opening, change or termination delayed", "业务办理拖延推诿"),
        category("installation_repair", "Installation and repair times", "装移机及障碍修复"),
        category("service_attitude", "Staff attitude", "服务态度"),
        category("other", "Other", "其他"),
    ]
