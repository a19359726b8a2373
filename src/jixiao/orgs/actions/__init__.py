"""State changes of units and memberships (``units``)."""

from jixiao.orgs.actions.units import (
    do_create_unit,
    do_grant_membership,
    do_move_unit,
    do_revoke_membership,
    do_update_unit,
)

__all__ = ["do_create_unit", "do_grant_membership", "do_move_unit", "do_revoke_membership", "do_update_unit"]
