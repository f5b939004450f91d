"""The demo township's geography, people and households: codes, record and ID numbers,
names, households, records, diagnoses, pregnancies, ages and conditions."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from helpers.demo_township import AS_OF, CODE, Demo, rows

from fdclient.domain.codes import FAMILY_HISTORY
from fdclient.domain.identity import parse_id_number
from fdclient.domain.key_populations import PregnancyDates, age_on
from fdclient.domain.roles import Role

# -- geography, people, households -------------------------------------------------------------


def test_village_codes_and_record_numbers(demo: Demo) -> None:
    store, _ = demo
    villages = rows(store, "SELECT id, code, record_segment FROM villages")
    segments = {v.id: v.record_segment for v in villages}
    kinds = set()
    for v in villages:
        assert len(v.code) == 12 and v.code.startswith(CODE)
        segment, record = int(v.code[9:]), int(v.record_segment)
        if segment < 200:
            kinds.add("neighbourhood")
            assert 1 <= segment <= 199 and 1 <= record <= 99
        else:
            kinds.add("village")
            assert 200 <= segment <= 399 and 101 <= record <= 199
    assert kinds == {"neighbourhood", "village"}
    numbers = rows(store, "SELECT village_id, health_record_no FROM residents ORDER BY rowid")
    assert len({n.health_record_no for n in numbers}) == len(numbers)
    sequences = defaultdict(list)
    for n in numbers:
        assert len(n.health_record_no) == 17 and n.health_record_no.isdigit()
        assert n.health_record_no[:12] == CODE + segments[n.village_id]
        sequences[n.village_id].append(int(n.health_record_no[12:]))
    for seq in sequences.values():
        assert seq == list(range(1, len(seq) + 1))  # registration order within the village


def test_id_numbers_are_valid_and_agree_with_the_record(demo: Demo) -> None:
    store, _ = demo
    found = rows(store, "SELECT id_type, id_number, birth_date, sex FROM residents")
    regions = Counter()
    for r in found:
        if r.id_number is None:
            assert (AS_OF - date.fromisoformat(r.birth_date)).days < 90
            continue
        parsed = parse_id_number(r.id_number, today=AS_OF)
        assert parsed.birth_date == date.fromisoformat(r.birth_date) and parsed.sex == r.sex
        regions[parsed.region_code[:6] == CODE[:6]] += 1
        assert parsed.region_code.startswith(CODE[:2])
    assert regions[True] > 0.75 * len(found) and regions[False] > 0
    assert len({r.id_number for r in found if r.id_number}) == sum(1 for r in found if r.id_number)


def test_names_pinyin_and_minorities(demo: Demo) -> None:
    store, _ = demo
    found = rows(store, "SELECT name, name_pinyin, name_initials, ethnicity FROM residents")
    assert all(r.name_pinyin and r.name_initials == "".join(s[0] for s in r.name_pinyin.split()) for r in found)
    surnames = Counter(r.name[0] for r in found)
    assert surnames.most_common(1)[0][1] > 0.04 * len(found)  # clans and common surnames
    assert len(surnames) > 40


def test_households_have_one_head_and_consistent_relationships(demo: Demo) -> None:
    store, _ = demo
    people = rows(store, "SELECT id, household_id, relationship_to_head AS rel, sex, birth_date FROM residents")
    heads = dict(rows(store, "SELECT id, head_id FROM households"))
    members = defaultdict(list)
    for p in people:
        members[p.household_id].append(p)
    assert set(members) == set(heads)
    for household, group in members.items():
        assert 1 <= len(group) <= 6
        head = [p for p in group if p.rel == "01"]
        assert len(head) == 1 and heads[household] == head[0].id
        head, head_born = head[0], date.fromisoformat(head[0].birth_date)
        for p in group:
            born = date.fromisoformat(p.birth_date)
            years = (born - head_born).days / 365.25
            if p.rel == "10":
                assert p.sex != head.sex and abs(years) <= 10
            elif p.rel in ("20", "30"):
                assert 16 <= years <= 45, (p, head)
            elif p.rel == "40":
                assert years >= 36
            elif p.rel == "50":
                assert years <= -20


def test_record_cover_and_what_the_record_says(demo: Demo) -> None:
    """建档日期 after birth, by the first day a contract covered the resident and by as_of;
    made by someone who registers residents; a doctor of the village's team responsible;
    relief statuses a set; family history on the 2017 form's own list."""
    store, _ = demo
    found = rows(
        store,
        "SELECT r.birth_date, r.registered_on, r.status_changed_on, b.role AS by_role, d.role AS doctor_role, "
        "r.relief_statuses, r.family_history_father, r.family_history_children, "
        "(SELECT min(coalesce(m.joined_on, c.start_date)) FROM contract_members m "
        " JOIN contracts c ON c.id = m.contract_id WHERE m.resident_id = r.id) AS first_covered, "
        "EXISTS (SELECT 1 FROM team_villages tv JOIN team_members tm ON tm.team_id = tv.team_id "
        " WHERE tv.village_id = r.village_id AND tm.staff_id = r.responsible_doctor_id) AS doctor_of_team "
        "FROM residents r JOIN staff b ON b.id = r.registered_by_id JOIN staff d ON d.id = r.responsible_doctor_id",
    )
    assert len(found) == rows(store, "SELECT count(*) FROM residents")[0][0]
    for r in found:
        assert r.birth_date <= r.registered_on <= AS_OF.isoformat()
        assert r.first_covered is None or r.registered_on <= r.first_covered
        assert r.status_changed_on is None or r.registered_on <= r.status_changed_on
        assert r.by_role in {Role.DOCTOR, Role.NURSE, Role.PUBLIC_HEALTH} and r.doctor_role == Role.DOCTOR
        assert r.doctor_of_team
        for history in (r.family_history_father, r.family_history_children):
            codes = history.split(",")
            assert set(codes) <= set(FAMILY_HISTORY) and ("1" not in codes or codes == ["1"])
    years = Counter(r.registered_on[:4] for r in found)
    assert len(years) > 8 and sum(n for y, n in years.items() if int(y) >= AS_OF.year - 1) < 0.4 * len(found)
    relief = Counter(r.relief_statuses for r in found if r.relief_statuses)
    assert relief and any("," in statuses for statuses in relief)
    assert any(r.family_history_children == "11" for r in found) or any("12" in r.family_history_father for r in found)


def test_diagnoses_and_flags_agree(demo: Demo) -> None:
    store, _ = demo
    found = rows(
        store,
        "SELECT r.has_hypertension AS ht, r.has_diabetes AS dm, "
        "EXISTS (SELECT 1 FROM diagnoses d WHERE d.resident_id = r.id AND d.disease = '2' AND d.voided_at IS NULL)"
        " AS ht_row, "
        "EXISTS (SELECT 1 FROM diagnoses d WHERE d.resident_id = r.id AND d.disease = '3' AND d.voided_at IS NULL)"
        " AS dm_row FROM residents r",
    )
    assert all(r.ht == r.ht_row and r.dm == r.dm_row for r in found)
    assert sum(r.ht for r in found) > sum(r.dm for r in found) > 0


def test_pregnancies_have_their_dates(demo: Demo) -> None:
    """Women pregnant now, women who gave birth in the last 42 days, and earlier births of
    the household's young children; one woman's pregnancies never overlap."""
    store, _ = demo
    found = rows(
        store,
        "SELECT p.resident_id, p.last_menstrual_period AS lmp, p.expected_delivery_date AS edd, "
        "p.delivery_date AS delivered, r.sex, r.birth_date FROM pregnancies p JOIN residents r ON r.id = p.resident_id "
        "ORDER BY p.resident_id, coalesce(p.last_menstrual_period, p.delivery_date)",
    )
    periods: dict[str, list[tuple[date, date]]] = defaultdict(list)
    now = Counter()
    for p in found:
        assert p.sex == 2
        dates = PregnancyDates(*(date.fromisoformat(d) if d else None for d in (p.lmp, p.edd, p.delivered)))
        period = dates.maternal_period()
        assert period is not None and date.fromisoformat(p.birth_date) + timedelta(days=365 * 17) < period[0]
        periods[p.resident_id].append(period)
        now[
            "pregnant" if dates.is_pregnant_on(AS_OF) else "postpartum" if dates.is_postpartum_on(AS_OF) else "past"
        ] += 1
    for spans in periods.values():
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert now["pregnant"] > 0 and now["past"] > now["pregnant"]
    babies = rows(
        store, "SELECT count(*) FROM residents WHERE birth_date > :d", d=(AS_OF - timedelta(days=42)).isoformat()
    )
    assert babies[0][0] == 0 or now["postpartum"] > 0


def test_rural_age_pyramid(demo: Demo) -> None:
    store, _ = demo
    ages = [age_on(date.fromisoformat(b), AS_OF) for (b,) in rows(store, "SELECT birth_date FROM residents")]
    share = lambda low, high: sum(low <= a <= high for a in ages) / len(ages)  # noqa: E731
    assert 0.14 <= share(65, 200) <= 0.28
    assert share(0, 6) >= 0.04
    assert share(20, 40) < share(41, 64)


def test_conditions_rise_with_age(demo: Demo) -> None:
    store, _ = demo
    found = rows(store, "SELECT birth_date, has_hypertension AS ht, has_diabetes AS dm FROM residents")
    bands = defaultdict(lambda: [0, 0, 0])
    for r in found:
        a = age_on(date.fromisoformat(r.birth_date), AS_OF)
        band = "35-54" if 35 <= a <= 54 else "75+" if a >= 75 else None
        if band:
            bands[band][0] += 1
            bands[band][1] += r.ht
            bands[band][2] += r.dm
    young, old = bands["35-54"], bands["75+"]
    assert 0.05 < young[1] / young[0] < 0.25 and 0.4 < old[1] / old[0] < 0.7
    assert old[2] < old[1] and old[2] > 0
