"""Service packages (服务包) with their items and fee split (DOMAIN.md §4).

Fees are integer fen (分, 1/100 CNY): the split insurance fund + public health fund +
resident adds up exactly, and the database checks that it does. The yuan ↔ fen helpers
convert what forms show and type.

Creating and deactivating a package is township set-up (``MANAGE_SETTINGS``, the
administrator); :func:`get_package` is the row getter the contract checks use.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.codes import PackageKind, ServiceKind
from fdclient.domain.key_populations import KeyPopulation
from fdclient.domain.roles import Permission
from fdclient.errors import RuleError, ValidationError
from fdclient.models import PackageItem, ServicePackage
from fdclient.services.contracts.plan import YEARLY
from fdclient.services.lookup import fetch
from fdclient.store.context import require
from fdclient.text import msg

_YUAN = re.compile(r"[0-9]+(\.[0-9]{1,2})?", re.ASCII)
#: Longest package code.
CODE_MAX_LENGTH = 20
#: How often a year a package item may be delivered.
TIMES_PER_YEAR_RANGE = (1, 52)


def yuan_to_fen(value: str | int | Decimal, *, field: str = "fee") -> int:
    """Fen from an amount in yuan (``"55"``, ``"12.5"``, ``"０.５０"``, ``Decimal("3.25")``).

    More than two decimals, negative amounts and text that is not a number are refused.
    """
    if isinstance(value, bool | float):
        raise TypeError("pass yuan as str, int or Decimal, never float")
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("元").strip()
    if not _YUAN.fullmatch(text):
        raise ValidationError(
            msg(
                "金额“{value}”格式不对：应为不小于 0 的数字，单位元，最多两位小数，例如 55 或 12.50。",
                "The amount “{value}” is not valid: it must be a number not below 0, in yuan, with at most two"
                " decimals, e.g. 55 or 12.50.",
                value=value,
            ),
            field=field,
        )
    return int((Decimal(text) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int) -> str:
    """``5500`` → ``"55.00"`` (for forms, documents and rosters)."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def fen_to_decimal(fen: int) -> Decimal:
    """``5500`` → ``Decimal("55.00")``."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def check_fee_split(total: int, insurance: int, public_health: int, resident: int) -> None:
    """Refuse a split whose parts are negative or do not add up to the total (all fen)."""
    parts = (
        (msg("医保基金", "insurance fund share"), insurance),
        (msg("基本公卫经费", "basic public health fund share"), public_health),
        (msg("个人支付", "resident's share"), resident),
    )
    for part, amount in parts:
        if amount < 0:
            raise ValidationError(
                msg(
                    "{part}不能为负数，实际为 {amount} 元。",
                    "The {part} cannot be negative; it is {amount} yuan.",
                    part=part,
                    amount=fen_to_yuan(amount),
                ),
                field="fee",
            )
    if total < 0:
        raise ValidationError(
            msg(
                "服务包总费用不能为负数，实际为 {amount} 元。",
                "The package's total fee cannot be negative; it is {amount} yuan.",
                amount=fen_to_yuan(total),
            ),
            field="fee",
        )
    if insurance + public_health + resident != total:
        raise ValidationError(
            msg(
                "费用分担不等于总费用：医保基金 {insurance} 元 + 基本公卫经费 {public_health} 元 + 个人支付 {resident} 元"
                " = {parts} 元，而总费用为 {total} 元，三部分之和应等于总费用。",
                "The fee split does not add up to the total: insurance fund {insurance} yuan + basic public health"
                " fund {public_health} yuan + resident {resident} yuan = {parts} yuan, but the total fee is {total}"
                " yuan; the three parts must add up to the total.",
                insurance=fen_to_yuan(insurance),
                public_health=fen_to_yuan(public_health),
                resident=fen_to_yuan(resident),
                parts=fen_to_yuan(insurance + public_health + resident),
                total=fen_to_yuan(total),
            ),
            field="fee",
        )


@dataclass(frozen=True)
class PackageItemInput:
    name: str
    #: A :class:`ServiceKind` code.
    service_kind: ServiceKind | str
    times_per_year: int


@dataclass(frozen=True)
class PackageItemInfo:
    id: uuid.UUID
    position: int
    name: str
    service_kind: ServiceKind
    times_per_year: int


@dataclass(frozen=True)
class PackageInfo:
    id: uuid.UUID
    code: str
    name: str
    kind: PackageKind
    target_population: KeyPopulation | None
    description: str | None
    fee_total_fen: int
    fee_insurance_fen: int
    fee_public_health_fen: int
    fee_resident_fen: int
    active: bool
    items: tuple[PackageItemInfo, ...]


def package_info(p: ServicePackage) -> PackageInfo:
    return PackageInfo(
        id=p.id,
        code=p.code,
        name=p.name,
        kind=PackageKind(p.kind),
        target_population=KeyPopulation(p.target_population) if p.target_population else None,
        description=p.description,
        fee_total_fen=p.fee_total_fen,
        fee_insurance_fen=p.fee_insurance_fen,
        fee_public_health_fen=p.fee_public_health_fen,
        fee_resident_fen=p.fee_resident_fen,
        active=p.active,
        items=tuple(
            PackageItemInfo(i.id, i.position, i.name, ServiceKind(i.service_kind), i.times_per_year) for i in p.items
        ),
    )


def _target_population(value: KeyPopulation | str) -> KeyPopulation:
    try:
        return KeyPopulation(value)
    except ValueError:
        raise ValidationError(
            msg(
                "目标人群“{value}”不存在，应为：{known}。",
                "Target population “{value}” does not exist; it must be one of: {known}.",
                value=value,
                known=msg(
                    "、".join(f"{p.value}（{p.label}）" for p in KeyPopulation),
                    ", ".join(p.value for p in KeyPopulation),
                ),
            ),
            field="target_population",
        ) from None


def create_package(
    session: Session,
    *,
    code: str,
    name: str,
    kind: PackageKind | str,
    fee_total_fen: int,
    fee_insurance_fen: int,
    fee_public_health_fen: int,
    fee_resident_fen: int,
    items: Sequence[PackageItemInput],
    target_population: KeyPopulation | str | None = None,
    description: str | None = None,
) -> PackageInfo:
    """A service package with its items (in the order given)."""
    require(session, Permission.MANAGE_SETTINGS)
    code, name = code.strip(), name.strip()
    if not code or len(code) > CODE_MAX_LENGTH:
        raise ValidationError(
            msg(
                "服务包编码不能为空，最多 {most} 个字符。",
                "The package code must not be empty and has at most {most} characters.",
                most=CODE_MAX_LENGTH,
            ),
            field="code",
        )
    if not name:
        raise ValidationError(msg("服务包名称不能为空。", "The package name must not be empty."), field="name")
    if kind not in codes.PACKAGE_KIND:
        raise ValidationError(
            msg(
                "服务包类型“{kind}”不存在，应为 basic（基础包）或 personalised（个性化服务包）。",
                "Package kind “{kind}” does not exist; it must be basic or personalised.",
                kind=kind,
            ),
            field="kind",
        )
    population = _target_population(target_population) if target_population is not None else None
    check_fee_split(fee_total_fen, fee_insurance_fen, fee_public_health_fen, fee_resident_fen)
    if not items:
        raise ValidationError(
            msg("服务包至少要有一项服务内容。", "A package needs at least one service item."), field="items"
        )
    if session.scalar(select(ServicePackage).where(ServicePackage.code == code)) is not None:
        raise ValidationError(
            msg("服务包编码“{code}”已被使用。", "Package code “{code}” is already in use.", code=code), field="code"
        )
    package = ServicePackage(
        code=code,
        name=name,
        kind=PackageKind(kind),
        target_population=population,
        description=(description or "").strip() or None,
        fee_total_fen=fee_total_fen,
        fee_insurance_fen=fee_insurance_fen,
        fee_public_health_fen=fee_public_health_fen,
        fee_resident_fen=fee_resident_fen,
    )
    package.items.extend(_item(item, position) for position, item in enumerate(items, start=1))
    session.add(package)
    session.flush()
    return package_info(package)


def _item(item: PackageItemInput, position: int) -> PackageItem:
    label = item.name.strip()
    if not label:
        raise ValidationError(
            msg("第 {position} 项服务内容缺少名称。", "Service item {position} has no name.", position=position),
            field="items",
        )
    if item.service_kind not in codes.SERVICE_KIND:
        raise ValidationError(
            msg(
                "服务项目“{item}”的服务类别“{kind}”不存在。",
                "Service item “{item}” has a service kind, “{kind}”, that does not exist.",
                item=label,
                kind=item.service_kind,
            ),
            field="items",
        )
    fewest, most = TIMES_PER_YEAR_RANGE
    if item.service_kind in YEARLY and item.times_per_year != 1:
        kind = ServiceKind(item.service_kind)
        raise ValidationError(
            msg(
                "服务项目“{item}”（{kind}）每年只做一次，每年次数应为 1，实际为 {times}。",
                "Service item “{item}” ({kind}) is given once a year: its times a year must be 1, not {times}.",
                item=label,
                kind=msg(kind.label, kind.value),
                times=item.times_per_year,
            ),
            field="items",
        )
    if not fewest <= item.times_per_year <= most:
        raise ValidationError(
            msg(
                "服务项目“{item}”的每年次数应在 {fewest} 到 {most} 之间，实际为 {times}。",
                "Service item “{item}” must be given {fewest} to {most} times a year, not {times}.",
                item=label,
                fewest=fewest,
                most=most,
                times=item.times_per_year,
            ),
            field="items",
        )
    return PackageItem(
        position=position, name=label, service_kind=ServiceKind(item.service_kind), times_per_year=item.times_per_year
    )


def get_package(session: Session, package_id: uuid.UUID) -> ServicePackage:
    """The package row (for the contract checks; no permission check)."""
    return fetch(session, ServicePackage, package_id, msg("该服务包", "the service package"), "package_ids")


def deactivate_package(session: Session, package_id: uuid.UUID) -> PackageInfo:
    """Stop offering a package; contracts that include it keep it."""
    require(session, Permission.MANAGE_SETTINGS)
    package = get_package(session, package_id)
    if not package.active:
        raise RuleError(msg("服务包“{name}”已经停用。", "Package “{name}” is already deactivated.", name=package.name))
    package.active = False
    session.flush()
    return package_info(package)
