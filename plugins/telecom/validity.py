"""Valid and invalid tickets: invalid complaints (China Telecom measures art 8(2), seed 003)
and inadmissible appeals (电信用户申诉处理办法, MIIT order 35 of 2016, arts 10-11)."""

from __future__ import annotations

from plugins.telecom.vocabulary import FEE_CATEGORIES
from portal.sectorkit import Doc, label

# The operator's own answer period that an appeal must wait out (order 35 art 10).
OPERATOR_ANSWER_DAYS = 15


def validity_reasons() -> list[Doc]:
    def reason(key: str, en: str, zh: str) -> Doc:
        return {"key": key, "label": label(en, zh)}

    return [
        reason("anonymous", "Anonymous", "匿名投诉"),
        reason("not_party", "Not the customer or a directly concerned party", "非客户关系人"),
        reason("not_specific", "Not specific enough to check", "事宜不具体无法核实"),
        reason("no_contact", "Contact details too incomplete to reach", "投诉人信息不完整无法联系"),
        reason(
            "out_of_scope", "Outside the company's or telecom service scope", "超出管理或服务范围"
        ),
        reason("no_respondent", "No identified respondent", "无明确被申诉人"),
        reason("operator_not_first", "Operator not complained to first", "未先向经营者投诉"),
        reason(
            "operator_time_running", "Operator's answer period still running", "经营者答复期限未满"
        ),
        reason("time_barred", "Raised too late", "超过申诉时限"),
        reason("already_settled", "Already settled and carried out", "已和解并执行"),
        reason(
            "already_handled",
            "Already accepted or handled by an appeal body",
            "已由申诉机构受理或处理",
        ),
        reason(
            "before_other_body", "Before a court, arbitration or other body", "已由其他机构受理"
        ),
    ]


def _rule(reason: str, en: str, zh: str, kinds: list[str], *conditions: Doc) -> Doc:
    """An invalid rule for ``kinds``; its label is the reason text shown on the ticket."""
    scope = {"field": "kind", "op": "in", "value": kinds}
    return {"reason": reason, "when": {"all": [scope, *conditions], "label": label(en, zh)}}


def _is_false(field: str) -> Doc:
    # Only an explicit "no" invalidates: an unchecked (absent) answer does not.
    return {"field": field, "op": "==", "value": False}


def invalid_rules() -> list[Doc]:
    both = ["complaint", "appeal"]
    appeal = ["appeal"]
    return [
        # China Telecom measures art 8(2): "投诉客户为匿名或非客户关系人、投诉事宜不具体无法核实
        # 调查、投诉人信息不完整无法联系、投诉对象非中国电信管理范畴或投诉内容超出电信服务范围的认定
        # 为无效投诉". For appeals the same four are order 35 art 10(1), 10(3), art 11 and the
        # appeal notice's "姓名不实，缺少必要的有效的联系信息" (seed 003 附3 (5)).
        _rule("anonymous", "anonymous", "匿名", both, {"flag": "customer.anonymous"}),
        _rule(
            "not_party",
            "not the customer or directly concerned",
            "非客户本人或直接利害关系人",
            both,
            _is_false("direct_party"),
        ),
        _rule(
            "not_specific",
            "not specific enough to check",
            "事宜不具体无法核实",
            both,
            _is_false("specific_enough"),
        ),
        _rule(
            "no_contact",
            "no phone or e-mail to reach the customer",
            "无可联系的电话或邮箱",
            both,
            {"not": {"flag": "has_contact"}},
        ),
        _rule(
            "out_of_scope",
            "outside the company's or telecom scope",
            "超出管理或服务范围",
            both,
            _is_false("in_scope"),
        ),
        # order 35 art 10(2): an identified respondent (absent or blank is none).
        _rule(
            "no_respondent",
            "no respondent named",
            "未写明被申诉人",
            appeal,
            {"not": {"field": "respondent", "op": "!=", "value": ""}},
        ),
        # order 35 art 10(4): complained to the operator first, and rejected its answer or
        # had none within 15 days. Not shown is not admissible: the appellant must show it.
        _rule(
            "operator_not_first",
            "no earlier complaint to the operator shown",
            "未显示已先向经营者投诉",
            appeal,
            {"not": {"field": "operator_complaint", "op": "in", "value": ["no_reply", "rejected"]}},
        ),
        # An unanswered complaint without its date cannot show the 15 days have passed.
        _rule(
            "operator_time_running",
            f"no answer yet, but the operator's {OPERATOR_ANSWER_DAYS} days have not passed",
            f"经营者尚未答复，但{OPERATOR_ANSWER_DAYS}日答复期限未届满",
            appeal,
            {"field": "operator_complaint", "op": "==", "value": "no_reply"},
            {
                "not": {
                    "field": "days_since_operator_complaint",
                    "op": ">",
                    "value": OPERATOR_ANSWER_DAYS,
                }
            },
        ),
        # order 35 art 11: a fee dispute (收费争议) more than 5 months after the event, any
        # other dispute more than 2 years after it. No category counts as "other".
        _rule(
            "time_barred",
            "fee dispute raised more than 5 months after the event",
            "收费争议自事发起超过5个月",
            appeal,
            {"field": "category", "op": "in", "value": FEE_CATEGORIES},
            {"occurred_more_than": {"amount": 5, "unit": "months"}},
        ),
        _rule(
            "time_barred",
            "dispute raised more than 2 years after the event",
            "其他争议自事发起超过2年",
            appeal,
            {"not": {"field": "category", "op": "in", "value": FEE_CATEGORIES}},
            {"occurred_more_than": {"amount": 2, "unit": "years"}},
        ),
        # order 35 art 11: settled and carried out; already accepted or handled (mediated)
        # by an appeal body; before a court, arbitration, consumer organisation or agency.
        _rule(
            "already_settled",
            "settled and carried out",
            "已和解并执行",
            appeal,
            {"flag": "settled"},
        ),
        _rule(
            "already_handled",
            "already with an appeal body",
            "申诉受理机构已受理或处理",
            appeal,
            {"flag": "handled_by_appeal_body"},
        ),
        _rule(
            "before_other_body",
            "before a court, arbitration or another body",
            "法院、仲裁或其他机构已受理",
            appeal,
            {"flag": "before_other_body"},
        ),
    ]
