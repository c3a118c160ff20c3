"""Policy engine: tenant policies, the rule evaluator, deadline maths and calendars."""
