"""The telecom default policy document, assembled from the rule modules."""

from __future__ import annotations

from plugins.telecom import fields, tiers, validity, vocabulary
from portal.sectorkit import Doc


def default_policy() -> Doc:
    """A fresh document on every call, so a caller may change it freely."""
    return {
        "schema_version": 1,
        "kinds": list(vocabulary.KINDS),
        "fields": fields.fields(),
        "validity_reasons": validity.validity_reasons(),
        "invalid_rules": validity.invalid_rules(),
        "channel_levels": vocabulary.channel_levels(),
        "channels": vocabulary.channels(),
        "categories": vocabulary.categories(),
        "tiers": tiers.tiers(),
        "default_tier": "general",
        "escalation_chain": tiers.escalation_chain(),
        # No telecom source sets when to warn; the core's default share.
        "warn_at_share": 0.8,
        "callback": tiers.callback(),
        # A referring body's deadline may shorten the statutory 15 days, never lengthen
        # them (order 35 art 10 binds the operator whatever the referral says).
        "requested_deadline_may_lengthen": False,
        # 批量投诉 (branch measures, seed 003): many customers, one cause. The figures are
        # ours: five complaints of one category, area and business line within a day.
        "batch": {
            "at_least": 5,
            "within_hours": 24,
            "fields": ["category", "area", "business_line"],
        },
    }
