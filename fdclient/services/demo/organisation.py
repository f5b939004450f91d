"""Villages, health-centre staff and family-doctor teams of the demo township.

Village codes follow the statistics bureau's rule (DOMAIN.md §2): 12 digits = the 9-digit
township code + a 3-digit segment, 001-199 for neighbourhood committees (居委会) and
200-399 for village committees (村委会). Their health-record segments are 001-099 and
101-199. A team (a general practitioner who leads it, the village doctors of the villages
it serves, a nurse, a public-health worker and the county hospital's specialist) serves
about three neighbouring villages. The store's own administrator runs the centre's system;
the first team and the specialist get accounts on this laptop (``Organisation.accounts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fdclient.domain.roles import Role
from fdclient.services.demo.common import Context, Row, TableRows
from fdclient.services.demo.names import STREETS, NameMaker, village_names

#: Most villages a demo may have: 99 village committees + neighbourhood committees.
MAX_VILLAGES = 100
VILLAGES_PER_TEAM = 3

_MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 155 157 158 159 177 180 181 182 183 186 187 188 189 191 198 199"
).split()
_NUMERALS = "零一二三四五六七八九"

VILLAGE_COLUMNS = ("id", "created_at", "updated_at", "township_id", "code", "name", "record_segment")
STAFF_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "township_id",
    "name",
    "role",
    "title",
    "phone",
    "username",
    "active",
)
TEAM_COLUMNS = ("id", "created_at", "updated_at", "township_id", "name", "leader_id", "phone", "active")


def mobile(ctx: Context) -> str:
    random = ctx.rng.random
    return f"{_MOBILE_PREFIXES[int(random() * len(_MOBILE_PREFIXES))]}{int(random() * 100_000_000):08d}"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 35 → 三十五 (1-99)."""
    tens, ones = divmod(n, 10)
    text = "" if tens == 0 else "十" if tens == 1 else _NUMERALS[tens] + "十"
    return text + (_NUMERALS[ones] if ones else "")


@dataclass
class DemoVillage:
    id: str
    code: str
    name: str
    record_segment: str
    neighbourhood: bool
    #: Index of the team serving it, its village doctor and the team leader.
    team: int = 0
    doctor_id: str = ""
    #: Its place in the organisation's list of villages.
    index: int = 0


@dataclass
class DemoTeam:
    id: str
    leader_id: str
    nurse_id: str
    public_health_id: str
    village_doctor_ids: list[str] = field(default_factory=list)


@dataclass
class Organisation:
    villages: list[DemoVillage]
    teams: list[DemoTeam]
    specialist_id: str
    #: Sign-in names of the staff with an account on this laptop.
    accounts: tuple[str, ...]
    tables: list[TableRows]


def build_organisation(ctx: Context, names: NameMaker, village_count: int) -> Organisation:
    rng, ids, stamp, township = ctx.rng, ctx.ids, ctx.stamp, ctx.township
    neighbourhoods = 0 if village_count < 3 else max(1, village_count // 8)
    stems = village_names(village_count - neighbourhoods, township.stem, rng)
    villages: list[DemoVillage] = []
    for i in range(neighbourhoods):
        villages.append(
            DemoVillage(
                ids(), f"{township.code}{i + 1:03d}", f"{STREETS[i % len(STREETS)]}路社区", f"{i + 1:03d}", True
            )
        )
    for i, stem in enumerate(stems):
        villages.append(DemoVillage(ids(), f"{township.code}{201 + i:03d}", f"{stem}村", f"{101 + i:03d}", False))
    for i, village in enumerate(villages):
        village.index = i

    staff_rows: list[Row] = []
    counters: dict[str, int] = {}
    usernames: dict[str, str] = {}

    def person(role: Role, title: str, username_prefix: str) -> str:
        sex = 1 if rng.random() < 0.55 else 2
        year = rng.randrange(1965, 1998)
        name = names.surname() + names.given(year, sex)
        counters[username_prefix] = counters.get(username_prefix, 0) + 1
        sid = ids()
        usernames[sid] = f"{username_prefix}{counters[username_prefix]:03d}"
        staff_rows.append(
            (
                sid,
                stamp,
                stamp,
                township.id_hex,
                name,
                role.value,
                title,
                mobile(ctx),
                usernames[sid],
                1,
            )
        )
        return sid

    specialist_id = person(Role.SPECIALIST, "副主任医师", "specialist")
    team_count = max(1, -(-village_count // VILLAGES_PER_TEAM))
    teams: list[DemoTeam] = []
    team_rows: list[Row] = []
    member_rows: list[Row] = []
    served_rows: list[Row] = []
    for k in range(team_count):
        leader = person(Role.DOCTOR, rng.choice(("主治医师", "主治医师", "副主任医师", "医师")), "doctor")
        team = DemoTeam(
            ids(),
            leader,
            person(Role.NURSE, rng.choice(("护师", "主管护师", "护士")), "nurse"),
            person(Role.PUBLIC_HEALTH, "公卫医师", "publichealth"),
        )
        served = villages[k * VILLAGES_PER_TEAM : (k + 1) * VILLAGES_PER_TEAM]
        for village in served:
            village.team = k
            village.doctor_id = person(Role.DOCTOR, "乡村医生", "doctor")
            team.village_doctor_ids.append(village.doctor_id)
        teams.append(team)
        team_rows.append(
            (
                team.id,
                stamp,
                stamp,
                township.id_hex,
                f"{township.stem}第{chinese_number(k + 1)}家庭医生团队",
                leader,
                mobile(ctx),
                1,
            )
        )
        for sid in (leader, team.nurse_id, team.public_health_id, *team.village_doctor_ids, specialist_id):
            member_rows.append((ids(), stamp, stamp, team.id, sid))
        served_rows.extend((ids(), stamp, stamp, team.id, v.id) for v in served)

    village_rows = [(v.id, stamp, stamp, township.id_hex, v.code, v.name, v.record_segment) for v in villages]
    tables = [
        TableRows("villages", VILLAGE_COLUMNS, village_rows),
        TableRows("staff", STAFF_COLUMNS, staff_rows),
        TableRows("teams", TEAM_COLUMNS, team_rows),
        TableRows("team_members", ("id", "created_at", "updated_at", "team_id", "staff_id"), member_rows),
        TableRows("team_villages", ("id", "created_at", "updated_at", "team_id", "village_id"), served_rows),
    ]
    first = teams[0]
    on_laptop = (first.leader_id, *first.village_doctor_ids, first.nurse_id, first.public_health_id, specialist_id)
    return Organisation(villages, teams, specialist_id, tuple(usernames[sid] for sid in on_laptop), tables)
