"""The fields a retail ticket carries: what the tiers, the invalid rules and the derived
facts test, each next to the rule that needs it."""

from __future__ import annotations

from typing import Any

from portal.sectorkit import choice, label


def _flag(key: str, en: str, zh: str) -> dict[str, Any]:
    return {"key": key, "label": label(en, zh), "type": "boolean"}


FIELDS: list[dict[str, Any]] = [
    # Every chain store and the headquarters handle complaints (seed 000 §Ⅷ art 1).
    {"key": "store", "label": label("Store", "门店"), "type": "string", "max_length": 100},
    # "违法金额 ... 5000元以上" makes a complaint major (seed 002 §3).
    {
        "key": "amount",
        "label": label("Amount involved (yuan)", "涉及金额（元）"),
        "type": "number",
        "min": 0,
    },
    # A complaint states a concrete request (SAMR order 20 art 9).
    {
        "key": "request",
        "label": label("Customer's request", "顾客诉求"),
        "type": "choice",
        "choices": [
            choice("refund", "Return and refund", "退货退款"),
            choice("exchange", "Exchange", "换货"),
            choice("repair", "Repair", "维修"),
            choice("compensation", "Compensation", "赔偿"),
            choice("apology", "Apology", "赔礼道歉"),
            choice("explanation", "Explanation", "解释说明"),
            choice("other", "Other request", "其他诉求"),
        ],
    },
    # What makes a complaint major (seed 002 §3).
    _flag("personal_injury", "Personal injury", "造成人身伤害"),
    _flag("serious_consequences", "Serious consequences", "侵害后果严重"),
    _flag(
        "group_harm",
        "Many consumers harmed by the same act",
        "一批消费者受同一经营行为侵害",
    ),
    # What raises a complaint above the store (seed 000 §Ⅷ; sector-rules, across sectors).
    _flag("media_involved", "Media involved", "媒体介入"),
    _flag(
        "threat_to_staff",
        "Threat to staff, property or business",
        "威胁员工人身、财产安全或正常经营",
    ),
    {
        **_flag(
            "beyond_store_authority",
            "Demand beyond the store manager's authority",
            "诉求超出门店营销经理权限",
        ),
        "public": False,  # the store judges it
    },
    # Fraud: three times the price, at least 500 yuan (消费者权益保护法 art 55).
    _flag("fraud_alleged", "Fraud alleged", "顾客主张经营者欺诈"),
    # The statutory return period (消费者权益保护法 arts 24, 25; see facts.py).
    {
        "key": "sales_mode",
        "label": label("How it was sold", "销售方式"),
        "type": "choice",
        "choices": [
            choice("in_store", "In the store", "门店购买"),
            choice("distance", "Online, TV, phone or mail order", "网络、电视、电话、邮购"),
        ],
    },
    {"key": "received_on", "label": label("Goods received on", "收货日期"), "type": "date"},
    _flag("quality_problem", "Quality problem", "商品存在质量问题"),
    {
        "key": "return_exclusion",
        "label": label("Excluded from no-reason return", "不适用无理由退货"),
        "type": "choice",
        "choices": [
            choice("made_to_order", "Made to order", "消费者定作"),
            choice("perishable", "Fresh or perishable", "鲜活易腐"),
            choice("unsealed_digital", "Unsealed digital goods", "已拆封的音像制品、软件等"),
            choice("periodicals", "Newspapers and periodicals", "交付的报纸、期刊"),
            choice(
                "declared_unsuitable",
                "Confirmed unsuitable for return at purchase",
                "购买时经确认不宜退货",
            ),
        ],
    },
    # The store checks the goods were sold here (seed 000 §Ⅷ art 3 items 3.1 c, 3.3 a-b).
    {
        "key": "sale_record",
        "label": label("Store's sales record", "门店销售记录核对"),
        "type": "choice",
        "public": False,  # the store checks it
        "choices": [
            choice("matched", "Matches the store's record", "与本店记录一致"),
            choice("not_found", "Not sold by us", "非本店售出"),
        ],
    },
    # A consumer buys for daily life (消费者权益保护法 art 2; seed 000 §Ⅰ).
    _flag("business_purchase", "Bought for business use", "为经营目的购买"),
]
