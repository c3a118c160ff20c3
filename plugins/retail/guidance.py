"""The store's complaint procedure as data (seed 000 §Ⅷ arts 3-4): the reception
steps, what to do for each cause, and the three-party confirmation of returns.

The desk shows the reception steps and the procedure for the ticket's cause
(:func:`guidance_for`, through the ``sector_guidance`` hook); holding a return until it
is confirmed still needs a confirmation action (docs/sectors.md).
"""

from __future__ import annotations

from typing import Any

from plugins.retail.model import RetailPolicy
from portal.hookspecs import Guidance
from portal.policy.document import Locale
from portal.sectorkit import choice, label

RETURN_CATEGORIES = ["return_in_store", "return_no_defect", "return_defect"]

# seed 000 §Ⅷ art 4: listen, clarify, apologise, share, explain, confirm.
RECEPTION_STEPS: list[dict[str, Any]] = [
    choice(
        "listen",
        "Listen: let the customer finish, calm them, do not interrupt",
        "倾听：诚恳听完顾客的不满，安抚情绪，不轻易打断",
    ),
    choice(
        "clarify",
        "Clarify: repeat the complaint to settle its nature and extent",
        "澄清：复述投诉要点，确定问题的性质与程度",
    ),
    choice(
        "apologise",
        "Apologise for the inconvenience our work caused",
        "道歉：对工作疏忽给顾客带来的不便表示歉意",
    ),
    choice(
        "share",
        "Share: take the customer's side and show understanding",
        "分担：站在顾客立场，表达同情与理解",
    ),
    choice(
        "explain",
        "Explain: answer the doubts, correct mistakes, solve the problem",
        "解释：合理解释疑问，或纠正错误、解决问题",
    ),
    choice(
        "confirm",
        "Confirm the solution with the customer",
        "确认：与顾客确认处理方案",
    ),
]

_MANAGER_AUTHORISES = label(
    "The marketing manager checks, then the big-customer department manager authorises",
    "营销经理核查确认后报大客户部经理授权",
)
_RECORD = label("Record the return or exchange", "做好相关记录")
_CODE_MATCHES = label(
    "Check the pack code matches the store's register",
    "核对条包喷码与本店记录本登记一致",
)

# seed 000 §Ⅷ art 3, one procedure per cause of complaint.
PROCEDURES: list[dict[str, Any]] = [
    {
        "category": "misunderstanding",  # art 3 item 1
        "steps": [
            label(
                "Explain what happened calmly and patiently, without arguing",
                "平静、耐心地向顾客说明原委，但不狡辩",
            )
        ],
    },
    {
        "category": "service_attitude",  # art 3 item 2
        "steps": [
            label("Apologise sincerely and listen", "诚意道歉，倾听顾客投诉"),
            label(
                "The supervisor receives the customer or changes the salesperson",
                "由主管亲自接待或换一位销售员",
            ),
            label("A small gift where it fits", "可适当赠送小礼物"),
            label(
                "Promise it will not happen again and thank the customer",
                "表示今后不再发生类似事件，感谢顾客指教",
            ),
        ],
    },
    {
        "category": "return_in_store",  # art 3 item 3.1
        "steps": [
            label(
                "Check the goods never left the counter and stayed in sight",
                "确认商品未离开柜台且一直在视线范围内",
            ),
            _CODE_MATCHES,
            label(
                "Check it can be sold again (packaging intact)",
                "确认外包装完整、能形成二次销售",
            ),
            _MANAGER_AUTHORISES,
            _RECORD,
        ],
    },
    {
        "category": "return_no_defect",  # art 3 item 3.2
        "steps": [
            label("Explain patiently", "耐心向顾客解释"),
            label(
                "Special goods are not returnable once they leave the counter, unless "
                "the law grants a return (distance sales: 7 days, consumer law art 25)",
                "特殊商品离柜不退换；但法律规定可退的除外（远程购物七日无理由退货，消法第25条）",
            ),
            label(
                "If explanation does not settle it, ask the superior for support",
                "解释说服无效的，向上级申请支援",
            ),
        ],
    },
    {
        "category": "return_defect",  # art 3 item 3.3
        "steps": [
            label("Check the goods were sold by this store", "确认商品是否为本店售出"),
            _CODE_MATCHES,
            _MANAGER_AUTHORISES,
            _RECORD,
        ],
    },
]

# seed 000 §Ⅷ art 3 item 3: "涉及到退换商品的，必须由门店营销经理、大客户部经理、监控室
# 三方确认后方可执行并做记录". The store's own department handles its tickets, so its
# manager is named by role only; the other two are headquarters departments.
RETURN_CONFIRMATION: dict[str, Any] = {
    "categories": RETURN_CATEGORIES,
    "parties": [
        {
            "key": "store_marketing_manager",
            "label": label("Store marketing manager", "门店营销经理"),
            "role": "supervisor",
        },
        {
            "key": "big_customer_manager",
            "label": label("Big-customer department manager", "营运办大客户部经理"),
            "department": "big_customer",
            "role": "supervisor",
        },
        {
            "key": "monitoring_room",
            "label": label("Monitoring room", "监控室"),
            "department": "monitoring",
        },
    ],
}


# seed 000 §Ⅷ art 3 item 4; plugins/retail/threat_alert.py tells the supervisors too.
THREAT_STEPS = [
    label("Call the police (110) now", "立即报警（110）"),
    label("Tell the store manager at once", "立即通知门店经理"),
    label("Keep staff and customers away from danger", "保护员工和其他顾客的安全"),
]


def guidance_for(
    document: RetailPolicy, category: str | None, threat: bool, locale: str
) -> list[Guidance]:
    """The police alert first when the customer threatens, then the six reception steps,
    then the procedure for the ticket's cause if it has one."""
    lang: Locale = "zh" if locale == "zh" else "en"
    titles = {
        "en": ("Threat: act now", "Receiving the customer", "Procedure for this cause"),
        "zh": ("威胁：立即处置", "接待六步", "本类投诉处理程序"),
    }[lang]
    found = [Guidance(titles[0], [step[lang] for step in THREAT_STEPS])] if threat else []
    found.append(Guidance(titles[1], [step.label.text(lang) for step in document.reception_steps]))
    for procedure in document.procedures:
        if procedure.category == category:
            found.append(Guidance(titles[2], [step.text(lang) for step in procedure.steps]))
    return found
