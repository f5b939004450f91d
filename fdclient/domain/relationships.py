"""Relationships to the household head (GB/T 4761 top-level codes, ``codes.RELATIONSHIP``)
when another member becomes the head (更换户主).

A member's relationship to the new head follows from their relationship to the old head
and the new head's: the old head's spouse is the mother or father of a son who becomes
head, his brothers and sisters are each other's siblings, and so on. The top-level codes
are coarse (a daughter-in-law is 其他亲属; a grandchild may be the new head's child or a
nephew), so these are proposals the user confirms, never silent changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["OLD_HEAD", "relationship_to_new_head"]

OLD_HEAD = "01"
SPOUSE, SON, DAUGHTER, GRANDCHILD, PARENT, GRANDPARENT, SIBLING, RELATIVE, NOT_RELATED = (
    "10",
    "20",
    "30",
    "40",
    "50",
    "60",
    "70",
    "80",
    "99",
)
CHILD = "child"  # 子 or 女 by the member's sex

# For each relationship of the new head to the old head (a daughter's as a son's): a member's
# relationship to the new head, by the member's relationship to the old head ("01": the old
# head themself). Anything else becomes 其他亲属.
_AFTER: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        SPOUSE: {
            OLD_HEAD: SPOUSE,
            SON: SON,
            DAUGHTER: DAUGHTER,
            GRANDCHILD: GRANDCHILD,
            PARENT: RELATIVE,
            GRANDPARENT: RELATIVE,
            SIBLING: RELATIVE,
        },
        SON: {
            OLD_HEAD: PARENT,
            SPOUSE: PARENT,
            SON: SIBLING,
            DAUGHTER: SIBLING,
            GRANDCHILD: CHILD,
            PARENT: GRANDPARENT,
            GRANDPARENT: RELATIVE,
            SIBLING: RELATIVE,
        },
        GRANDCHILD: {
            OLD_HEAD: GRANDPARENT,
            SPOUSE: GRANDPARENT,
            SON: PARENT,
            DAUGHTER: PARENT,
            GRANDCHILD: SIBLING,
            PARENT: RELATIVE,
            GRANDPARENT: RELATIVE,
            SIBLING: RELATIVE,
        },
        PARENT: {
            OLD_HEAD: CHILD,
            SPOUSE: RELATIVE,
            SON: GRANDCHILD,
            DAUGHTER: GRANDCHILD,
            GRANDCHILD: RELATIVE,
            PARENT: SPOUSE,
            GRANDPARENT: PARENT,
            SIBLING: CHILD,
        },
        GRANDPARENT: {
            OLD_HEAD: GRANDCHILD,
            SPOUSE: RELATIVE,
            SON: RELATIVE,
            DAUGHTER: RELATIVE,
            GRANDCHILD: RELATIVE,
            PARENT: CHILD,
            GRANDPARENT: SPOUSE,
            SIBLING: GRANDCHILD,
        },
        SIBLING: {
            OLD_HEAD: SIBLING,
            SPOUSE: RELATIVE,
            SON: RELATIVE,
            DAUGHTER: RELATIVE,
            GRANDCHILD: RELATIVE,
            PARENT: PARENT,
            GRANDPARENT: GRANDPARENT,
            SIBLING: SIBLING,
        },
    }
)
FEMALE = 2


def relationship_to_new_head(member: str | None, new_head: str | None, member_sex: int) -> str:
    """The proposed relationship to the new head of a member whose relationship to the old
    head is ``member`` (``"01"`` for the old head), when the new head's is ``new_head``."""
    table = _AFTER.get(SON if new_head == DAUGHTER else new_head or "")
    if member == NOT_RELATED or new_head == NOT_RELATED:
        return NOT_RELATED
    proposed = table.get(member or "") if table is not None else None
    if proposed is None:
        return RELATIVE
    if proposed == CHILD:
        return DAUGHTER if member_sex == FEMALE else SON
    return proposed
