"""CloudFormation-generated names for moto: the Python copy of functions/core/generated-names.ts
(cfnGeneratedName), which moto_prove_ext.py cannot import. test/unit/generated-names.test.ts checks that
the two agree."""


def aws_generated(stack_name: str, logical_id: str, limit: int, suffix: str) -> str:
    """`<stack>-<LogicalId>-<suffix>` when it fits, else the stack part cut to half the budget (24
    characters for a 12- or 13-character suffix, a trailing '-' dropped) and the logical id to the rest."""
    whole = f"{stack_name}-{logical_id}-{suffix}"
    if len(whole) <= limit:
        return whole
    budget = limit - 2 - len(suffix)
    stack_part = stack_name[: budget // 2].rstrip("-")
    logical_part = logical_id[: budget - len(stack_part)]
    return f"{stack_part}-{logical_part}-{suffix}"
