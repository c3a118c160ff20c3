"""Tiers (most severe first), their deadlines, the escalation chain and the callback.

Deadline sources: the operator answers a complaint within 15 days (电信用户申诉处理办法,
MIIT order 35 of 2016, art 10); a first answer within 48 hours (China Mobile's service
commitment, seed 003 攻略); faults repaired within 48 hours in towns (电信条例 art 32; the
72 rural hours are a preset, see presets.py); the appeal centre decides acceptance within
5 working days and answers within 30 days (order 35 art 14; 电信条例 art 39).
"""

from __future__ import annotations

from plugins.telecom.vocabulary import REFERRAL_CHANNELS
from portal.sectorkit import Doc, label


def _duration(amount: int, unit: str) -> Doc:
    return {"amount": amount, "unit": unit}


def _milestone(
    name: str, en: str, zh: str, start: str, duration: Doc, kinds: list[str] | None, **extra: object
) -> Doc:
    found: Doc = {"name": name, "label": label(en, zh), "start": start, "duration": duration}
    if kinds is not None:
        found["kinds"] = kinds
    return {**found, **extra}


def _first_response() -> Doc:
    # seed 003 攻略: "根据移动的八项服务承诺，会在48小时内首次答复" (wall clock).
    return _milestone(
        "first_response",
        "First answer",
        "首次答复",
        "created",
        _duration(48, "hours"),
        ["complaint"],
    )


def _reply(*, referral_deadline: bool) -> Doc:
    # order 35 art 10: "自接到投诉之日起15日内" (calendar days; arts 201/203 of the Civil
    # Code roll a last day on a rest day to the next working day).
    fifteen_days = _duration(15, "calendar_days")
    if not referral_deadline:
        return _milestone("reply", "Answer", "答复", "created", fifteen_days, ["complaint"])
    # Escalated complaints carry the deadline the referring body wrote on them (branch
    # measures 升级投诉 ⑵ "在工单中标明处理时限", seed 003), entered as the requested
    # deadline; it can only shorten the 15 days.
    return _milestone(
        "reply",
        "Answer (or the referring body's earlier deadline)",
        "答复（或转派单位更早的时限）",
        "created",
        _duration(1, "requested"),
        ["complaint"],
        default=fifteen_days,
    )


def _repair() -> Doc:
    # 电信条例 art 32: towns 48 h (wall clock: outages do not wait for Monday).
    return _milestone("repair", "Repair", "障碍修复", "created", _duration(48, "hours"), ["fault"])


def _appeal_milestones() -> list[Doc]:
    return [
        # order 35 art 14: acceptance decided within 5 working days of receipt. Paused while
        # the appellant completes the materials.
        _milestone(
            "accept",
            "Acceptance decision",
            "受理决定",
            "created",
            _duration(5, "working_days"),
            ["appeal"],
            pausable=True,
            met_by=["accept"],
        ),
        # order 35 art 14; 电信条例 art 39: answered within 30 days of acceptance (the
        # materials are complete once accepted).
        _milestone(
            "reply",
            "Appeal answer",
            "申诉答复",
            "accepted",
            _duration(30, "calendar_days"),
            ["appeal"],
        ),
    ]


def _forward() -> Doc:
    # Branch measures 升级投诉 ⑴⑵ (seed 003): a desk staffed 365 days x 8 h "迅速派单".
    # Wall-clock hours, as that desk works weekends and holidays; 24 h (the next staffed
    # shift) is our figure.
    return _milestone(
        "forward",
        "Dispatch to the handling department",
        "派单",
        "created",
        _duration(24, "hours"),
        None,
    )


def _every_kind(*, referral_deadline: bool) -> list[Doc]:
    return [
        _first_response(),
        _reply(referral_deadline=referral_deadline),
        _repair(),
        *_appeal_milestones(),
    ]


def tiers() -> list[Doc]:
    return [
        {
            # seed 000 Ⅷ: "重大投诉为升级的关键投诉，以及对公司业务、声誉或法律责任造成重大影响
            # 的事"; branch measures (seed 003): major and batch complaints. "Report up at once"
            # has no milestone: no action that meets one means "reported" (docs, pending).
            "key": "major",
            "label": label("Major", "重大投诉"),
            "when": {
                "any": [
                    {"flag": "media_involved", "label": label("media involved", "媒体介入")},
                    {"flag": "batch", "label": label("batch complaint", "批量投诉")},
                ]
            },
            "milestones": _every_kind(referral_deadline=True),
            "escalation_target": "operator_hq",
        },
        {
            # Branch measures (seed 003) 升级投诉 and 越级倾向; sector-rules "Across sectors".
            "key": "escalated",
            "label": label("Escalated", "升级投诉"),
            "when": {
                "any": [
                    {
                        "all": [
                            {"field": "channel", "op": "in", "value": REFERRAL_CHANNELS},
                            {"field": "kind", "op": "!=", "value": "appeal"},
                        ],
                        "label": label(
                            "referred by a higher body or raised over our heads",
                            "上级或外部渠道转派、升级热线受理",
                        ),
                    },
                    {
                        "flag": "over_head_tendency",
                        "label": label("has gone or may go over our heads", "越级投诉记录或倾向"),
                    },
                ]
            },
            "milestones": [_forward(), *_every_kind(referral_deadline=True)],
            "escalation_target": "operator_hq",
        },
        {
            "key": "important",
            "label": label("Important", "重要投诉"),
            "when": {
                "any": [
                    # 电信条例 art 33: "超过电信用户此前三个月平均电信费用5倍以上"; 以上 includes
                    # the figure itself (Civil Code art 1259).
                    {
                        "field": "bill_ratio",
                        "op": ">=",
                        "value": 5,
                        "label": label(
                            "charge at least 5x the 3-month average (huge bill)",
                            "费用达此前三个月月均5倍以上（巨额费用）",
                        ),
                    },
                    # Branch measures 重复投诉 (seed 003); Guangxi's 重复投诉监控预警机制.
                    {
                        "field": "repeat_count",
                        "op": ">=",
                        "value": 2,
                        "label": label("repeat complaint", "重复投诉"),
                    },
                ]
            },
            "milestones": _every_kind(referral_deadline=False),
            "escalation_target": "branch",
        },
        {
            "key": "general",
            "label": label("General", "一般投诉"),
            "milestones": _every_kind(referral_deadline=False),
            "escalation_target": "branch",
        },
    ]


def escalation_chain() -> list[Doc]:
    # order 35 art 9; seed 003 攻略 投诉流程 (operator -> HQ and provincial administration ->
    # ministry); seed 000 Ⅸ (HQ upgrade line 10015, 08:30-17:30).
    def level(key: str, en: str, zh: str, department: str, role: str | None = None) -> Doc:
        found: Doc = {"key": key, "label": label(en, zh), "department": department}
        return {**found, "role": role} if role else found

    return [
        level(
            "branch",
            "Operator branch complaint desk",
            "分公司客服中心",
            "branch_service",
            "supervisor",
        ),
        level("operator_hq", "Operator HQ upgrade line", "总部升级投诉受理", "hq_upgrade"),
        level(
            "provincial_admin",
            "Provincial communications administration (12300)",
            "省通信管理局申诉受理中心",
            "provincial_admin",
        ),
        level("ministry", "MIIT appeal centre (010-12300)", "工信部电信用户申诉受理中心", "miit"),
    ]


def callback() -> Doc:
    # seed 003 (客服部工作流程 四, 回访规范): "必须保证在三天之内回访"; the call-centre script
    # (solved? attitude? charged? score 1-10). The one-hour wait before calling is ours.
    return {"after": _duration(1, "hours"), "within": _duration(3, "calendar_days")}
