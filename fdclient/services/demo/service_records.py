"""Generic service records (服务记录) of the services without a form of their own: the
annual health assessment, consultations, TCM guidance, child health checks, maternal care.

A record is a visit of kind ``service`` and a ``service_records`` row naming the service;
it fulfils the planned service of that kind its contract has open (visits.py), so these
services reach the fulfilment a team really has: most windows already past were served,
those still running in proportion to the days gone. Nothing is marked done without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.services.contracts.plan import VISIT_SERVICE_KIND
from fdclient.services.demo.common import Context, weighted
from fdclient.services.demo.people import Person
from fdclient.services.demo.planning import PLANNED, STATUS
from fdclient.services.demo.visits import VisitLog

#: The service kinds recorded by a generic record: those without a form of their own.
RECORDED_KINDS = frozenset(kind.value for kind in ServiceKind if kind not in set(VISIT_SERVICE_KIND.values()))
#: Share of planned services whose window has passed that were delivered.
DELIVERED = 0.9
_TCM = ("平和质", "气虚质", "阳虚质", "阴虚质", "痰湿质", "湿热质", "血瘀质", "气郁质")


class _Way:
    """How a service is usually given: modes (clinic 1, home 2, phone 3), by whom, what is written."""

    def __init__(self, modes: tuple[str, ...], by_team_staff: bool, summaries: tuple[str, ...]) -> None:
        self.modes, self.by_team_staff, self.summaries = modes, by_team_staff, summaries


_WAYS: Mapping[str, _Way] = MappingProxyType(
    {
        ServiceKind.HEALTH_ASSESSMENT.value: _Way(
            weighted(("1", "2"), (3, 2)),
            False,
            (
                "年度健康评估：测量血压、血糖，评估健康状况，给予生活方式指导",
                "年度健康评估：询问病史，体格检查，健康状况良好",
            ),
        ),
        ServiceKind.CONSULTATION.value: _Way(
            weighted(("3", "1", "2"), (5, 3, 2)),
            True,
            (
                "健康咨询：解答用药与饮食问题",
                "健康咨询：指导规律作息、适量运动",
                "健康咨询：讲解签约服务内容与预约方式",
            ),
        ),
        ServiceKind.HEALTH_EDUCATION.value: _Way(
            ("1",), True, ("健康教育讲座：慢病防治知识", "健康教育：合理膳食与控盐限油")
        ),
        ServiceKind.TCM.value: _Way(
            ("1",), False, tuple(f"中医体质辨识：{t}，给予中医药保健指导（饮食、起居、运动、穴位保健）" for t in _TCM)
        ),
        ServiceKind.CHILD_CHECK.value: _Way(
            weighted(("1", "2"), (9, 1)), False, ("儿童健康检查：体格测量、生长发育评估、喂养与口腔保健指导",)
        ),
        ServiceKind.MATERNAL_CHECK.value: _Way(
            weighted(("1", "2"), (3, 1)),
            False,
            ("孕产妇健康管理：产前检查，测量血压、体重、宫高", "产后访视：母婴情况良好"),
        ),
        ServiceKind.LONG_PRESCRIPTION.value: _Way(("1",), False, ("开具长期处方（12 周），交代用药注意事项",)),
        ServiceKind.MENTAL_FOLLOWUP.value: _Way(
            ("2", "1"), False, ("严重精神障碍患者随访：病情稳定，危险性评估 0 级",)
        ),
        ServiceKind.TB_FOLLOWUP.value: _Way(("2",), False, ("肺结核患者随访：督导服药，无不良反应",)),
    }
)


def service_records(ctx: Context, log: VisitLog, p: Person) -> None:
    """Records of ``p``'s planned services without a form, each on a day of its window
    while they were covered."""
    random, randint, A = ctx.rng.random, ctx.randint, ctx.as_of
    planner = log.planner
    present = min(A, p.present_until(A))
    for kind, entries in planner.open.get(p.id, {}).items():
        if kind not in RECORDED_KINDS:
            continue  # a service with a form of its own
        way = _WAYS[kind]
        for ws, we, cid, row in entries:
            if row[STATUS] != PLANNED or ws > A:
                continue
            closed = planner.closes.get((cid, p.id))
            end = min(we, present, closed if closed is not None else we)
            if end < ws or random() >= DELIVERED * min(1.0, (A - ws + 1) / (we - ws + 1)):
                continue
            day = ws + randint(0, end - ws)
            staff = _staff(log, p) if way.by_team_staff and random() < 0.6 else log.doctor_for(p)
            summary = way.summaries[int(random() * len(way.summaries))]
            log.add(p, VisitKind.SERVICE, day, way.modes[int(random() * len(way.modes))], staff, None, (kind, summary))


def _staff(log: VisitLog, p: Person) -> str:
    """The team's nurse or public-health worker."""
    team = log.org.teams[log.org.villages[p.village].team]
    return team.nurse_id if log.ctx.rng.random() < 0.6 else team.public_health_id
