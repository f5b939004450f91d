"""Service packages (服务包) with their items and fee split (DOMAIN.md §4).

Fees are integer fen (分, 1/100 CNY): the split insurance fund + public health fund +
resident adds up exactly, and the database checks that it does. The yuan ↔ fen helpers
convert what forms show and type.
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
from fdclient.domain.key_populations import KeyPopulation
from fdclient.errors import RuleError, ValidationError
from fdclient.models import PackageItem, ServicePackage
from fdclient.services.lookup import fetch

_YUAN = re.compile(r"[0-9]+(\.[0-9]{1,2})?", re.ASCII)


def yuan_to_fen(value: str | int | Decimal, *, field: str = "fee") -> int:
    """Fen from an amount in yuan (``"55"``, ``"12.5"``, ``"０.５０"``, ``Decimal("3.25")``).

    More than two decimals, negative amounts and text that is not a number are refused.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError("pass yuan as str, int or Decimal, never float")
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("元").strip()
    if not _YUAN.fullmatch(text):
        raise ValidationError(
            f"金额“{value}”格式不对：应为不小于 0 的数字，单位元，最多两位小数，例如 55 或 12.50。",
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
    parts = {"医保基金": insurance, "基本公卫经费": public_health, "个人支付": resident}
    for label, amount in parts.items():
        if amount < 0:
            raise ValidationError(f"{label}不能为负数，实际为 {fen_to_yuan(amount)} 元。", field="fee")
    if total < 0:
        raise ValidationError(f"服务包总费用不能为负数，实际为 {fen_to_yuan(total)} 元。", field="fee")
    if insurance + public_health + resident != total:
        raise ValidationError(
            f"费用分担不等于总费用：医保基金 {fen_to_yuan(insurance)} 元 + 基本公卫经费 "
            f"{fen_to_yuan(public_health)} 元 + 个人支付 {fen_to_yuan(resident)} 元 = "
            f"{fen_to_yuan(insurance + public_health + resident)} 元，"
            f"而总费用为 {fen_to_yuan(total)} 元，三部分之和应等于总费用。",
            field="fee",
        )


@dataclass(frozen=True)
class PackageItemInput:
    name: str
    service_kind: str
    times_per_year: int


@dataclass(frozen=True)
class PackageItemInfo:
    id: uuid.UUID
    position: int
    name: str
    service_kind: str
    times_per_year: int


@dataclass(frozen=True)
class PackageInfo:
    id: uuid.UUID
    code: str
    name: str
    kind: str
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
        kind=p.kind,
        target_population=KeyPopulation(p.target_population) if p.target_population else None,
        description=p.description,
        fee_total_fen=p.fee_total_fen,
        fee_insurance_fen=p.fee_insurance_fen,
        fee_public_health_fen=p.fee_public_health_fen,
        fee_resident_fen=p.fee_resident_fen,
        active=p.active,
        items=tuple(PackageItemInfo(i.id, i.position, i.name, i.service_kind, i.times_per_year) for i in p.items),
    )


def create_package(
    session: Session,
    *,
    code: str,
    name: str,
    kind: str,
    fee_total_fen: int,
    fee_insurance_fen: int,
    fee_public_health_fen: int,
    fee_resident_fen: int,
    items: Sequence[PackageItemInput],
    target_population: KeyPopulation | str | None = None,
    description: str | None = None,
) -> PackageInfo:
    """A service package with its items (in the order given)."""
    code, name = code.strip(), name.strip()
    if not code or len(code) > 20:
        raise ValidationError("服务包编码不能为空，最多 20 个字符。", field="code")
    if not name:
        raise ValidationError("服务包名称不能为空。", field="name")
    if kind not in codes.PACKAGE_KIND:
        raise ValidationError(
            f"服务包类型“{kind}”不存在，应为 basic（基础包）或 personalised（个性化服务包）。", field="kind"
        )
    if target_population is not None:
        try:
            target_population = KeyPopulation(target_population)
        except ValueError:
            known = "、".join(f"{p.value}（{p.label}）" for p in KeyPopulation)
            raise ValidationError(
                f"目标人群“{target_population}”不存在，应为：{known}。", field="target_population"
            ) from None
    check_fee_split(fee_total_fen, fee_insurance_fen, fee_public_health_fen, fee_resident_fen)
    if not items:
        raise ValidationError("服务包至少要有一项服务内容。", field="items")
    if session.scalar(select(ServicePackage).where(ServicePackage.code == code)) is not None:
        raise ValidationError(f"服务包编码“{code}”已被使用。", field="code")
    package = ServicePackage(
        code=code,
        name=name,
        kind=kind,
        target_population=target_population.value if target_population else None,
        description=(description or "").strip() or None,
        fee_total_fen=fee_total_fen,
        fee_insurance_fen=fee_insurance_fen,
        fee_public_health_fen=fee_public_health_fen,
        fee_resident_fen=fee_resident_fen,
    )
    session.add(package)
    for position, item in enumerate(items, start=1):
        package.items.append(_item(item, position))
    session.flush()
    return package_info(package)


def _item(item: PackageItemInput, position: int) -> PackageItem:
    label = item.name.strip()
    if not label:
        raise ValidationError(f"第 {position} 项服务内容缺少名称。", field="items")
    if item.service_kind not in codes.SERVICE_KIND:
        raise ValidationError(f"服务项目“{label}”的服务类别“{item.service_kind}”不存在。", field="items")
    if not 1 <= item.times_per_year <= 52:
        raise ValidationError(
            f"服务项目“{label}”的每年次数应在 1 到 52 之间，实际为 {item.times_per_year}。", field="items"
        )
    return PackageItem(
        position=position, name=label, service_kind=item.service_kind, times_per_year=item.times_per_year
    )


def get_package(session: Session, package_id: uuid.UUID) -> ServicePackage:
    package = fetch(session, ServicePackage, package_id, "该服务包", "package_ids")
    return package


def deactivate_package(session: Session, package_id: uuid.UUID) -> PackageInfo:
    """Stop offering a package; contracts that include it keep it."""
    package = get_package(session, package_id)
    if not package.active:
        raise RuleError(f"服务包“{package.name}”已经停用。")
    package.active = False
    session.flush()
    return package_info(package)
