"""Residents: form validation, ID numbers, health record numbers, status changes, voiding."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date

import pytest
from helpers import builders
from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import AuditAction, ContractStatus, PlannedServiceStatus, ResidentStatus, TerminationReason
from fdclient.domain.key_populations import KeyPopulation
from fdclient.errors import PermissionDenied, RuleError, ValidationError
from fdclient.models import AuditEntry, ContractMember, Household, PlannedService, Resident, Staff, Village
from fdclient.services.contracts import lifecycle as contracts
from fdclient.services.registry import medical_history, resident_status, residents
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.store.context import actor_id

# 11010519491231002X: a woman born 31 Dec 1949 (DOMAIN.md example).
ID_WOMAN_1949 = "11010519491231002X"


@pytest.fixture
def village(session: Session) -> Village:
    return builders.make_village(session, name="罗家村", record_segment="101")


def form(village: Village, **fields: object) -> ResidentInput:
    return ResidentInput(village_id=village.id, **{"name": "王秀英", **fields})


def register(session: Session, village: Village, **fields: object) -> residents.ResidentInfo:
    return residents.register_resident(session, form(village, **fields))


# --- identity -----------------------------------------------------------------------------


def test_birth_date_and_sex_come_from_the_id_number(session: Session, village: Village) -> None:
    info = register(session, village, id_number="110105 19491231 002x")
    assert (info.id_number, info.birth_date, info.sex) == (ID_WOMAN_1949, date(1949, 12, 31), 2)
    assert info.warnings == ()


def test_a_legacy_15_digit_number_is_stored_as_18_digits(session: Session, village: Village) -> None:
    info = register(session, village, id_number="110105491231002")
    assert info.id_number == ID_WOMAN_1949


def test_a_wrong_check_character_is_refused(session: Session, village: Village) -> None:
    with pytest.raises(ValidationError, match="校验位"):
        register(session, village, id_number="110105194912310021")


def test_typed_values_that_disagree_with_the_id_are_refused_with_each_mismatch(
    session: Session, village: Village
) -> None:
    with pytest.raises(ValidationError) as info:
        register(session, village, id_number=ID_WOMAN_1949, sex=1, birth_date=date(1950, 1, 1))
    assert "出生日期与身份证号不一致" in info.value.message and ID_WOMAN_1949 not in info.value.message
    assert "性别与身份证号不一致" in info.value.message
    assert "确认" in info.value.message
    assert session.scalar(select(Resident).where(Resident.name == "王秀英")) is None


def test_confirmed_mismatches_keep_the_typed_values_and_come_back_as_warnings(
    session: Session, village: Village
) -> None:
    info = register(session, village, id_number=ID_WOMAN_1949, birth_date=date(1950, 2, 1), confirm_mismatch=True)
    assert info.birth_date == date(1950, 2, 1)
    assert len(info.warnings) == 1 and "出生日期" in str(info.warnings[0])
    # Editing the record later keeps the confirmation.
    assert residents.resident_form(session, info.id).confirm_mismatch is True


def test_without_an_id_number_sex_and_birth_date_are_required(session: Session, village: Village) -> None:
    with pytest.raises(ValidationError, match="性别"):
        register(session, village, id_number=None, birth_date=date(2026, 1, 5))
    info = register(session, village, id_number=None, sex=2, birth_date=date(2026, 1, 5))
    assert info.id_number is None and KeyPopulation.CHILD in info.key_populations


def test_other_document_types_are_stored_as_typed(session: Session, village: Village) -> None:
    info = register(session, village, id_type="03", id_number=" e1234 5678 ", sex=1, birth_date=date(1980, 1, 1))
    assert info.id_number == "E12345678"


def test_a_second_resident_with_the_same_number_names_the_first(session: Session, village: Village) -> None:
    first = register(session, village, id_number=ID_WOMAN_1949)
    other_village = builders.make_village(session, name="石岗村")
    with pytest.raises(RuleError) as info:
        residents.register_resident(
            session,
            ResidentInput(village_id=other_village.id, name="王秀", id_number=ID_WOMAN_1949.lower()),
        )
    assert "王秀英（罗家村）" in info.value.message and info.value.field == "id_number"
    assert first.health_record_no in info.value.message and ID_WOMAN_1949 not in info.value.message
    # Once the first file is voided (registered twice by mistake), the number is free again.
    resident_status.void_resident(session, first.id, "重复建档")
    again = residents.register_resident(
        session, ResidentInput(village_id=other_village.id, name="王秀", id_number=ID_WOMAN_1949)
    )
    assert again.id_number == ID_WOMAN_1949


# --- other fields -------------------------------------------------------------------------


def test_name_is_normalised_and_pinyin_kept(session: Session, village: Village) -> None:
    info = register(session, village, name=" 曾 小 明 ", id_number=builders.new_id_number(date(1990, 1, 1)))
    assert (info.name, info.name_pinyin, info.name_initials) == ("曾小明", "zeng xiao ming", "zxm")


def test_phones_are_normalised_and_a_bad_one_is_named(session: Session, village: Village) -> None:
    info = register(session, village, id_number=ID_WOMAN_1949, phone="+86 138-0013-8000")
    assert info.phone == "13800138000"
    with pytest.raises(ValidationError, match="联系人电话") as error:
        register(session, village, id_number=builders.new_id_number(date(1990, 1, 1)), contact_phone="6712345")
    assert error.value.field == "contact_phone" and "6712345" not in error.value.message


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"ethnicity": "60"}, "民族代码“60”不存在"),
        ({"education": "11"}, "文化程度"),
        ({"drug_allergies": ("1", "2")}, "药物过敏史选了“无”"),
        ({"payment_methods": ("2", "9")}, "医疗费用支付方式代码“9”"),
        ({"id_type": "10"}, "证件类型"),
    ],
)
def test_codes_are_checked_against_the_national_tables(
    session: Session, village: Village, fields: dict, words: str
) -> None:
    with pytest.raises(ValidationError, match=words):
        register(session, village, id_number=ID_WOMAN_1949, **fields)


def test_key_population_tags_are_on_the_result(session: Session, village: Village) -> None:
    info = register(session, village, id_number=ID_WOMAN_1949, relief_statuses=("3",))
    assert info.key_populations == {KeyPopulation.ELDERLY, KeyPopulation.POVERTY}
    medical_history.add_diagnosis(session, info.id, disease="2", diagnosed_on=date(2010, 5, 1))
    assert residents.get_resident(session, info.id).key_populations == {
        KeyPopulation.ELDERLY,
        KeyPopulation.HYPERTENSION,
        KeyPopulation.POVERTY,
    }


def test_family_history_has_the_2017_forms_own_codes(session: Session, village: Village) -> None:
    # 11 is 先天畸形 and 12 其他 on the family-history boxes; there is no 13 (the past-disease
    # list's 其他), and 无 stands alone.
    info = register(
        session,
        village,
        id_number=ID_WOMAN_1949,
        family_history_father=("2", "11"),
        family_history_mother=("12",),
        family_history_children=("1",),
    )
    row = session.get(Resident, info.id)
    assert (row.family_history_father, row.family_history_mother, row.family_history_children) == (
        ("2", "11"),
        ("12",),
        ("1",),
    )
    form_data = residents.resident_form(session, info.id)
    with pytest.raises(ValidationError, match="家族史（父亲）代码“13”不存在") as error:
        residents.update_resident(session, info.id, dataclasses.replace(form_data, family_history_father=("13",)))
    assert "11 先天畸形、12 其他" in error.value.message and error.value.field == "family_history_father"
    with pytest.raises(ValidationError, match="家族史（兄弟姐妹）选了“无”"):
        residents.update_resident(session, info.id, dataclasses.replace(form_data, family_history_siblings=("1", "3")))


def test_poverty_and_relief_statuses_are_a_set(session: Session, village: Village) -> None:
    # 脱贫户 and 低保 at once.
    info = register(session, village, id_number=builders.new_id_number(date(1980, 1, 1)), relief_statuses=("3", "1"))
    assert session.get(Resident, info.id).relief_statuses == ("1", "3")
    assert KeyPopulation.POVERTY in info.key_populations
    cleared = residents.update_resident(
        session, info.id, dataclasses.replace(residents.resident_form(session, info.id), relief_statuses=())
    )
    assert KeyPopulation.POVERTY not in cleared.key_populations
    with pytest.raises(ValidationError, match="帮扶类别代码“5”不存在"):
        register(session, village, id_number=ID_WOMAN_1949, relief_statuses=("1", "5"))


# --- the record cover ---------------------------------------------------------------------


def test_the_cover_defaults_to_today_and_the_signed_in_staff(session: Session, village: Village) -> None:
    info = register(session, village, id_number=ID_WOMAN_1949)
    assert (info.registered_on, info.registered_by_id, info.responsible_doctor_id) == (
        builders.TODAY,
        actor_id(session),
        None,
    )
    nurse = builders.actor_named(session, "nurse")
    with builders.on_day(session, date(2026, 7, 1)), builders.acting_as(session, nurse):
        later = register(session, village, name="李四", id_number=builders.new_id_number(date(1990, 1, 1)))
        assert (later.registered_on, later.registered_by_id) == (date(2026, 7, 1), nurse.staff_id)
    # Editing (as the doctor, a day later) keeps the cover: a form without it means unchanged.
    with builders.on_day(session, date(2026, 7, 2)):
        edited = residents.update_resident(
            session, later.id, form(village, name="李四", sex=1, birth_date=date(1990, 1, 1))
        )
    assert (edited.registered_on, edited.registered_by_id) == (date(2026, 7, 1), nurse.staff_id)


def test_the_cover_can_be_typed_within_the_persons_life(session: Session, village: Village) -> None:
    specialist = builders.actor_named(session, "specialist").staff_id
    info = register(
        session,
        village,
        id_number=ID_WOMAN_1949,
        registered_on=date(2026, 5, 20),
        responsible_doctor_id=specialist,
    )
    assert (info.registered_on, info.responsible_doctor_id) == (date(2026, 5, 20), specialist)
    data = residents.resident_form(session, info.id)
    assert (data.registered_on, data.registered_by_id, data.responsible_doctor_id) == (
        date(2026, 5, 20),
        actor_id(session),
        specialist,
    )
    with pytest.raises(ValidationError, match="建档日期 2026-06-02 晚于今天") as late:
        residents.update_resident(session, info.id, dataclasses.replace(data, registered_on=date(2026, 6, 2)))
    assert late.value.field == "registered_on"
    with pytest.raises(ValidationError, match="建档日期 1949-12-30 早于出生日期 1949-12-31"):
        residents.update_resident(session, info.id, dataclasses.replace(data, registered_on=date(1949, 12, 30)))
    moved = residents.update_resident(session, info.id, dataclasses.replace(data, registered_on=date(2020, 1, 2)))
    assert moved.registered_on == date(2020, 1, 2)


def test_the_responsible_doctor_is_a_doctor_and_the_maker_registers_residents(
    session: Session, village: Village
) -> None:
    nurse = builders.actor_named(session, "nurse").staff_id
    admin = builders.actor_named(session, "admin").staff_id
    with pytest.raises(ValidationError, match="不是医生") as error:
        register(session, village, id_number=ID_WOMAN_1949, responsible_doctor_id=nurse)
    assert error.value.field == "responsible_doctor_id"
    with pytest.raises(ValidationError, match="不负责建档"):
        register(session, village, id_number=ID_WOMAN_1949, registered_by_id=admin)
    with pytest.raises(ValidationError, match="找不到所选的责任医生"):
        register(session, village, id_number=ID_WOMAN_1949, responsible_doctor_id=uuid.uuid4())
    info = register(session, village, id_number=ID_WOMAN_1949, registered_by_id=nurse)
    assert info.registered_by_id == nurse
    # A doctor whose account is disabled stays on the files that name them, and is not named anew.
    doctor = builders.make_staff(session, name="赵医生", role="doctor")
    info = residents.update_resident(
        session,
        info.id,
        dataclasses.replace(residents.resident_form(session, info.id), responsible_doctor_id=doctor.id),
    )
    doctor.active = False
    again = residents.update_resident(session, info.id, residents.resident_form(session, info.id))
    assert again.responsible_doctor_id == doctor.id
    with pytest.raises(ValidationError, match="已停用"):
        register(
            session,
            village,
            name="李四",
            id_number=builders.new_id_number(date(1990, 1, 1)),
            responsible_doctor_id=doctor.id,
        )


# --- health record numbers ------------------------------------------------------------------


def test_health_record_numbers_count_up_per_village_and_are_never_reused(session: Session, village: Village) -> None:
    a = register(session, village, id_number=builders.new_id_number(date(1980, 1, 1)))
    b = register(session, village, id_number=builders.new_id_number(date(1981, 1, 1)))
    assert a.health_record_no == "360111101" + "101" + "00001"
    assert b.health_record_no == "36011110110100002"
    resident_status.void_resident(session, b.id, "录入错误")
    c = register(session, village, id_number=builders.new_id_number(date(1982, 1, 1)))
    assert c.health_record_no == "36011110110100003"
    other = builders.make_village(session, record_segment="102")
    d = residents.register_resident(session, builders.resident_input(other))
    assert d.health_record_no == "36011110110200001"


# --- update ----------------------------------------------------------------------------------


def test_update_keeps_the_record_number_and_writes_an_audit_entry(session: Session, village: Village) -> None:
    info = register(session, village, id_number=ID_WOMAN_1949)
    edited = dataclasses.replace(residents.resident_form(session, info.id), phone="13912345678", name="王秀华")
    after = residents.update_resident(session, info.id, edited)
    assert after.health_record_no == info.health_record_no and after.name_pinyin == "wang xiu hua"
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.row_id == info.id, AuditEntry.action == AuditAction.UPDATE)
    ).one()
    assert entry.changes["name"] == ["王秀英", "王秀华"] and entry.changes["phone"] == [None, "13912345678"]
    assert entry.actor_id == actor_id(session)
    insert = session.scalars(
        select(AuditEntry).where(AuditEntry.row_id == info.id, AuditEntry.action == AuditAction.INSERT)
    ).one()
    assert insert.changes["id_number"] == ID_WOMAN_1949


def test_update_may_keep_its_own_id_number_but_not_take_another(session: Session, village: Village) -> None:
    a = register(session, village, id_number=ID_WOMAN_1949)
    b = register(session, village, name="李四", id_number=builders.new_id_number(date(1980, 1, 1)))
    residents.update_resident(session, a.id, residents.resident_form(session, a.id))
    taken = dataclasses.replace(
        residents.resident_form(session, b.id), id_number=ID_WOMAN_1949, sex=None, birth_date=None
    )
    with pytest.raises(RuleError, match="王秀英"):
        residents.update_resident(session, b.id, taken)


# --- status changes and voiding ------------------------------------------------------------


def _contracted_household(session: Session, village: Village, members: int) -> tuple[Household, contracts.ContractInfo]:
    team, doctor = builders.make_team(session, villages=[village])
    people = [("张三", date(1950, 3, 1), 1, "01"), ("李梅", date(1952, 8, 9), 2, "10")][:members]
    household = builders.make_household(session, village, members=people)
    contract = builders.make_signed_contract(session, household, team, doctor, [builders.make_basic_package(session)])
    return household, contract


def test_death_of_the_only_member_terminates_the_contract(session: Session, village: Village) -> None:
    household, contract = _contracted_household(session, village, 1)
    change = resident_status.mark_deceased(session, household.head_id, date(2026, 4, 10))
    assert change.resident.status is ResidentStatus.DECEASED and change.resident.status_changed_on == date(2026, 4, 10)
    assert change.terminated_contracts == (contract.contract_no,)
    after = contracts.get_contract(session, contract.id)
    assert (after.status, after.termination_reason, after.terminated_on) == (
        ContractStatus.TERMINATED,
        TerminationReason.DEATH,
        date(2026, 4, 10),
    )
    assert after.members[0].is_active is False and after.members[0].ended_on == date(2026, 4, 10)
    assert "户主" in str(change.warnings[0])


def test_death_of_one_member_ends_only_their_membership(session: Session, village: Village) -> None:
    household, contract = _contracted_household(session, village, 2)
    spouse = session.scalars(
        select(Resident).where(Resident.household_id == household.id, Resident.relationship_to_head == "10")
    ).one()
    change = resident_status.mark_deceased(session, spouse.id, date(2026, 4, 10))
    assert change.left_contracts == (contract.contract_no,) and change.terminated_contracts == ()
    assert contracts.get_contract(session, contract.id).status == ContractStatus.ACTIVE
    assert session.scalar(select(ContractMember.is_active).where(ContractMember.resident_id == spouse.id)) is False
    later = session.scalars(
        select(PlannedService.status).where(
            PlannedService.resident_id == spouse.id, PlannedService.window_start > date(2026, 4, 10)
        )
    ).all()
    assert later and set(later) == {PlannedServiceStatus.CANCELLED}
    # The representative (the head) is still alive: nothing to do.
    assert change.warnings == ()


def test_death_of_the_representative_asks_for_a_new_one(session: Session, village: Village) -> None:
    household, contract = _contracted_household(session, village, 2)
    change = resident_status.mark_deceased(session, household.head_id, date(2026, 4, 10))
    assert any("家庭代表" in str(w) for w in change.warnings)


def test_moved_out_sets_the_status_once(session: Session, village: Village) -> None:
    info = register(session, village, id_number=ID_WOMAN_1949)
    change = resident_status.mark_moved_out(session, info.id, date(2026, 5, 1))
    assert change.resident.status is ResidentStatus.MOVED_OUT
    with pytest.raises(RuleError, match="已迁出"):
        resident_status.mark_deceased(session, info.id, date(2026, 5, 2))
    other = register(session, village, name="李四", id_number=builders.new_id_number(date(1990, 1, 1)))
    with pytest.raises(ValidationError, match="日期"):
        resident_status.mark_moved_out(session, other.id, date(2026, 6, 2))  # the scene's tomorrow
    with builders.on_day(session, date(2026, 6, 2)):
        assert resident_status.mark_moved_out(session, other.id, date(2026, 6, 2)).resident.status_changed_on


def test_void_needs_a_reason_and_is_refused_while_under_contract(session: Session, village: Village) -> None:
    household, _ = _contracted_household(session, village, 1)
    with pytest.raises(RuleError, match="解约"):
        resident_status.void_resident(session, household.head_id, "重复建档")
    info = register(session, village, id_number=ID_WOMAN_1949)
    with pytest.raises(ValidationError, match="原因"):
        resident_status.void_resident(session, info.id, "  ")
    voided = resident_status.void_resident(session, info.id, "重复建档")
    assert voided.voided
    row = session.get(Resident, info.id)
    assert row.voided_by_id == actor_id(session) and row.void_reason == "重复建档"
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.row_id == info.id, AuditEntry.action == AuditAction.VOID)
    ).one()
    assert entry.changes["void_reason"] == [None, "重复建档"]
    with pytest.raises(RuleError, match="已于 2026-06-01 作废"):
        resident_status.void_resident(session, info.id, "再来一次")
    assert session.get(Staff, actor_id(session)).name == "王建国"


# --- free text, names, permissions and messages -------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"name": "王\x00秀英"}, "name", "姓名的第 2 个字符是不可见的控制字符（U+0000）"),
        ({"name": "王秀英\u200b"}, "name", "U+200B"),
        ({"name": "阿" * 26}, "name", "汉字姓名最多 25 个字（含分隔点），实际为 26 个"),
        ({"name": "A" * 51}, "name", "最多 50 个字"),
        ({"workplace": "罗家村\x1b[31m小学"}, "workplace", "工作单位的第 4 个字符是不可见的控制字符（U+001B）"),
        ({"workplace": "校" * 101}, "workplace", "工作单位太长：最多 100 个字，实际为 101 个"),
        ({"contact_name": "李\u202e四"}, "contact_name", "联系人姓名的第 2 个字符"),
        ({"drug_allergy_other": "头孢\x07"}, "drug_allergy_other", "U+0007"),
        ({"id_type": "03", "id_number": "E123\x00", "sex": 1, "birth_date": date(1980, 1, 1)}, "id_number", "U+0000"),
        ({"id_type": "03", "id_number": "E" * 31, "sex": 1, "birth_date": date(1980, 1, 1)}, "id_number", "最多 30"),
    ],
)
def test_control_characters_and_overlong_text_are_refused(
    session: Session, village: Village, fields: dict, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as error:
        register(session, village, **{"id_number": ID_WOMAN_1949, **fields})
    assert words in error.value.message and error.value.field == field
    assert session.scalar(select(Resident).where(Resident.id_number == ID_WOMAN_1949)) is None


def test_free_text_is_trimmed_and_empty_text_is_none(session: Session, village: Village) -> None:
    info = register(session, village, id_number=ID_WOMAN_1949, workplace="  罗家村   小学 ", contact_name="  ")
    row = session.get(Resident, info.id)
    assert (row.workplace, row.contact_name) == ("罗家村 小学", None)


def test_a_nurse_registers_residents_and_records_a_death(session: Session, village: Village) -> None:
    household, contract = _contracted_household(session, village, 2)
    spouse = session.scalars(
        select(Resident).where(Resident.household_id == household.id, Resident.relationship_to_head == "10")
    ).one()
    with builders.acting_as(session, builders.actor_named(session, "nurse")):
        info = register(session, village, id_number=ID_WOMAN_1949)
        assert residents.get_resident(session, info.id).name == "王秀英"
        change = resident_status.mark_deceased(session, spouse.id, date(2026, 4, 10))
    assert change.left_contracts == (contract.contract_no,)


def test_the_administrator_may_neither_register_nor_read_residents(session: Session, village: Village) -> None:
    info = register(session, village, id_number=ID_WOMAN_1949)
    data = residents.resident_form(session, info.id)
    with builders.as_admin(session):
        for use_case, permission in (
            (lambda: register(session, village, name="李四"), "登记家庭和居民"),
            (lambda: residents.update_resident(session, info.id, data), "登记家庭和居民"),
            (lambda: resident_status.mark_moved_out(session, info.id, date(2026, 5, 1)), "登记家庭和居民"),
            (lambda: resident_status.mark_deceased(session, info.id, date(2026, 5, 1)), "登记家庭和居民"),
            (lambda: resident_status.void_resident(session, info.id, "重复建档"), "登记家庭和居民"),
            (lambda: residents.get_resident(session, info.id), "查看居民档案"),
            (lambda: residents.resident_form(session, info.id), "查看居民档案"),
        ):
            with pytest.raises(PermissionDenied, match=permission):
                use_case()
    assert residents.get_resident(session, info.id).status is ResidentStatus.ACTIVE


def test_messages_in_english(session: Session, village: Village, english: None) -> None:
    with pytest.raises(ValidationError) as error:
        register(session, village, id_number=ID_WOMAN_1949, sex=1, birth_date=date(1950, 1, 1))
    assert error.value.message == (
        "What was entered does not match the ID number: The birth date does not match the ID number: 1950-01-01 "
        "was entered, the ID number says 1949-12-31; The sex does not match the ID number: male was entered, "
        "the ID number says female. Please check it; if it is right, tick “confirm the mismatch with the ID "
        "number” and save again."
    )
    with pytest.raises(ValidationError) as phone:
        register(session, village, id_number=ID_WOMAN_1949, contact_phone="6712345")
    assert phone.value.message == ("Contact's phone: The landline number has no area code: add it, as in 0791-88123456")
    with pytest.raises(ValidationError) as code:
        register(session, village, id_number=ID_WOMAN_1949, blood_abo="7")
    assert code.value.message.startswith("There is no ABO blood group code “7”; use one of: 1 A型, 2 B型")
    info = register(session, village, id_number=ID_WOMAN_1949)
    resident_status.mark_moved_out(session, info.id, date(2026, 5, 1))
    with pytest.raises(RuleError) as rule:
        resident_status.mark_deceased(session, info.id, date(2026, 5, 2))
    assert rule.value.message == (
        "王秀英 is already “moved out” (since 2026-05-01) and cannot be recorded as “deceased”."
    )
