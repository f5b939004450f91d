"""The demo's service packages (服务包) with items, yearly frequencies and fee splits in fen.

The three basic packages use the real splits quoted in DOMAIN.md §4: 55 CNY = 20 insurance
+ 30 public health + 5 resident; 150 CNY for key populations = 110 + 30 + 10; and a
15 CNY package = 10 + 5 + 0 (here the one for poverty-relief households, who pay nothing).
Personalised packages name the key population they serve (a KeyPopulation value): their
items are planned only for covered members of that population.
"""

from __future__ import annotations

from dataclasses import dataclass

from fdclient.domain.codes import PackageKind, ServiceKind
from fdclient.domain.key_populations import KeyPopulation
from fdclient.services.demo.common import Context, Row, TableRows


@dataclass(frozen=True)
class ItemSpec:
    name: str
    service_kind: ServiceKind
    times_per_year: int


@dataclass(frozen=True)
class PackageSpec:
    code: str
    name: str
    kind: PackageKind
    target: KeyPopulation | None
    #: (total, insurance, public health, resident) in fen.
    fees: tuple[int, int, int, int]
    description: str
    items: tuple[ItemSpec, ...]


PACKAGES: tuple[PackageSpec, ...] = (
    PackageSpec(
        "JC-55",
        "家庭医生基础服务包",
        PackageKind.BASIC,
        None,
        (5500, 2000, 3000, 500),
        "基本医疗与基本公共卫生服务：建立健康档案、健康评估、健康咨询与健康教育。",
        (ItemSpec("年度健康评估", ServiceKind.HEALTH_ASSESSMENT, 1),),
    ),
    PackageSpec(
        "ZD-150",
        "重点人群基础服务包",
        PackageKind.BASIC,
        None,
        (15000, 11000, 3000, 1000),
        "重点人群（老年人、慢病患者、孕产妇、儿童、残疾人等）的基础服务，优先签约、优先服务。",
        (
            ItemSpec("年度健康评估", ServiceKind.HEALTH_ASSESSMENT, 1),
            ItemSpec("健康咨询与指导", ServiceKind.CONSULTATION, 1),
        ),
    ),
    PackageSpec(
        "TP-15",
        "脱贫人口基础服务包",
        PackageKind.BASIC,
        None,
        (1500, 1000, 500, 0),
        "脱贫户、低保户与特困供养人员的基础服务，个人不付费。",
        (ItemSpec("年度健康评估", ServiceKind.HEALTH_ASSESSMENT, 1),),
    ),
    PackageSpec(
        "GX-GXY",
        "高血压患者服务包",
        PackageKind.PERSONALISED,
        KeyPopulation.HYPERTENSION,
        (12000, 6000, 0, 6000),
        "每年至少 4 次面对面随访，血压监测、用药指导，可开具长期处方。",
        (ItemSpec("高血压随访", ServiceKind.HYPERTENSION_FOLLOWUP, 4),),
    ),
    PackageSpec(
        "GX-TNB",
        "2型糖尿病患者服务包",
        PackageKind.PERSONALISED,
        KeyPopulation.DIABETES,
        (15000, 8000, 0, 7000),
        "每年至少 4 次面对面随访，空腹血糖与糖化血红蛋白监测、用药指导，可开具长期处方。",
        (ItemSpec("糖尿病随访", ServiceKind.DIABETES_FOLLOWUP, 4),),
    ),
    PackageSpec(
        "GX-LNR",
        "老年人健康管理服务包",
        PackageKind.PERSONALISED,
        KeyPopulation.ELDERLY,
        (8000, 3000, 3000, 2000),
        "65 岁及以上老年人每年一次健康体检与生活自理能力评估，每年至少一次上门巡诊。",
        (ItemSpec("老年人健康体检", ServiceKind.ELDERLY_CHECK, 1), ItemSpec("上门巡诊", ServiceKind.HOME_VISIT, 1)),
    ),
    PackageSpec(
        "GX-ZYY",
        "中医药健康管理服务包",
        PackageKind.PERSONALISED,
        KeyPopulation.ELDERLY,
        (3000, 1000, 1000, 1000),
        "老年人中医体质辨识与中医药保健指导。",
        (ItemSpec("中医体质辨识与指导", ServiceKind.TCM, 1),),
    ),
    PackageSpec(
        "GX-YCF",
        "孕产妇健康管理服务包",
        PackageKind.PERSONALISED,
        KeyPopulation.MATERNAL,
        (10000, 5000, 3000, 2000),
        "孕期 5 次产前检查、产后访视与 42 天健康检查。",
        (ItemSpec("孕产妇健康管理", ServiceKind.MATERNAL_CHECK, 5),),
    ),
    PackageSpec(
        "GX-ET",
        "0-6岁儿童健康管理服务包",
        PackageKind.PERSONALISED,
        KeyPopulation.CHILD,
        (6000, 2000, 3000, 1000),
        "儿童健康检查、生长发育评估与喂养指导。",
        (ItemSpec("儿童健康检查", ServiceKind.CHILD_CHECK, 2),),
    ),
)

PACKAGE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "code",
    "name",
    "kind",
    "target_population",
    "description",
    "fee_total_fen",
    "fee_insurance_fen",
    "fee_public_health_fen",
    "fee_resident_fen",
    "active",
)
ITEM_COLUMNS = ("id", "created_at", "updated_at", "package_id", "position", "name", "service_kind", "times_per_year")


@dataclass(frozen=True)
class DemoItem:
    id: str
    kind: ServiceKind
    times_per_year: int
    #: The stored value of ``kind``.
    service_kind: str


@dataclass(frozen=True)
class DemoPackage:
    id: str
    spec: PackageSpec
    items: tuple[DemoItem, ...]


def build_catalogue(ctx: Context) -> tuple[dict[str, DemoPackage], list[TableRows]]:
    """The packages by code, and their rows."""
    stamp = ctx.stamp
    packages: dict[str, DemoPackage] = {}
    package_rows: list[Row] = []
    item_rows: list[Row] = []
    for spec in PACKAGES:
        pid = ctx.ids()
        package_rows.append(
            (
                pid,
                stamp,
                stamp,
                spec.code,
                spec.name,
                spec.kind.value,
                spec.target.value if spec.target else None,
                spec.description,
                *spec.fees,
                1,
            )
        )
        items = []
        for position, item in enumerate(spec.items, start=1):
            iid = ctx.ids()
            kind = item.service_kind.value
            item_rows.append((iid, stamp, stamp, pid, position, item.name, kind, item.times_per_year))
            items.append(DemoItem(iid, item.service_kind, item.times_per_year, kind))
        packages[spec.code] = DemoPackage(pid, spec, tuple(items))
    return packages, [
        TableRows("service_packages", PACKAGE_COLUMNS, package_rows),
        TableRows("package_items", ITEM_COLUMNS, item_rows),
    ]
