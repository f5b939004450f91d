"""Initial schema: the whole domain model, plus triggers that keep visit records immutable.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 19:35:57.740877
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def _chronic_followup_parts(table: str) -> list:
    """Columns and checks the hypertension and diabetes follow-up forms share (the models'
    ChronicFollowupFields and _chronic_checks)."""
    return [
        sa.Column('symptoms', sa.String(length=120), nullable=False),
        sa.Column('symptom_other', sa.String(length=100), nullable=True),
        sa.Column('systolic', sa.Integer(), nullable=True),
        sa.Column('diastolic', sa.Integer(), nullable=True),
        sa.Column('weight_kg', sa.Float(), nullable=True),
        sa.Column('weight_target_kg', sa.Float(), nullable=True),
        sa.Column('height_cm', sa.Float(), nullable=True),
        sa.Column('bmi', sa.Float(), nullable=True),
        sa.Column('bmi_target', sa.Float(), nullable=True),
        sa.Column('other_signs', sa.String(length=100), nullable=True),
        sa.Column('cigarettes_per_day', sa.Integer(), nullable=True),
        sa.Column('cigarettes_target', sa.Integer(), nullable=True),
        sa.Column('alcohol_per_day', sa.Float(), nullable=True),
        sa.Column('alcohol_target', sa.Float(), nullable=True),
        sa.Column('exercise_times_per_week', sa.Integer(), nullable=True),
        sa.Column('exercise_minutes', sa.Integer(), nullable=True),
        sa.Column('exercise_target_times', sa.Integer(), nullable=True),
        sa.Column('exercise_target_minutes', sa.Integer(), nullable=True),
        sa.Column('psychological_adjustment', sa.String(length=1), nullable=True),
        sa.Column('compliance_behaviour', sa.String(length=1), nullable=True),
        sa.Column('auxiliary_exam', sa.String(length=200), nullable=True),
        sa.Column('medication_compliance', sa.String(length=1), nullable=True),
        sa.Column('adverse_reaction', sa.String(length=100), nullable=True),
        sa.Column('classification', sa.String(length=1), nullable=True),
        sa.Column('referral_reason', sa.String(length=100), nullable=True),
        sa.Column('referral_institution', sa.String(length=100), nullable=True),
        sa.CheckConstraint("(classification IS NULL OR classification IN ('1', '2', '3', '4'))", name=op.f(f'ck_{table}_classification_code')),
        sa.CheckConstraint("(compliance_behaviour IS NULL OR compliance_behaviour IN ('1', '2', '3'))", name=op.f(f'ck_{table}_behaviour_code')),
        sa.CheckConstraint("(medication_compliance IS NULL OR medication_compliance IN ('1', '2', '3'))", name=op.f(f'ck_{table}_compliance_code')),
        sa.CheckConstraint("(psychological_adjustment IS NULL OR psychological_adjustment IN ('1', '2', '3'))", name=op.f(f'ck_{table}_adjustment_code')),
        sa.CheckConstraint('diastolic IS NULL OR diastolic BETWEEN 20 AND 200', name=op.f(f'ck_{table}_diastolic_range')),
        sa.CheckConstraint('systolic IS NULL OR diastolic IS NULL OR systolic > diastolic', name=op.f(f'ck_{table}_bp_order')),
        sa.CheckConstraint('systolic IS NULL OR systolic BETWEEN 40 AND 300', name=op.f(f'ck_{table}_systolic_range')),
    ]


#: Tables in creation order (dependencies first).
TABLES = (
    "audit_log",
    "local_settings",
    "service_packages",
    "townships",
    "package_items",
    "staff",
    "villages",
    "households",
    "teams",
    "residents",
    "team_members",
    "team_villages",
    "contracts",
    "diagnoses",
    "history_events",
    "contract_members",
    "contract_packages",
    "satisfaction_surveys",
    "visits",
    "diabetes_followups",
    "elderly_checks",
    "home_visits",
    "hypertension_followups",
    "medications",
    "planned_services",
    "referrals",
)

def upgrade() -> None:

    op.create_table('audit_log',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.Uuid(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.CheckConstraint("action IN ('insert', 'update', 'void')", name=op.f('ck_audit_log_action_code')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_log_row', ['table_name', 'row_id'], unique=False)

    op.create_table('local_settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_local_settings'))
    )
    op.create_table('service_packages',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('target_population', sa.String(length=30), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('fee_total_fen', sa.Integer(), nullable=False),
    sa.Column('fee_insurance_fen', sa.Integer(), nullable=False),
    sa.Column('fee_public_health_fen', sa.Integer(), nullable=False),
    sa.Column('fee_resident_fen', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("kind IN ('basic', 'personalised')", name=op.f('ck_service_packages_kind_code')),
    sa.CheckConstraint('fee_total_fen = fee_insurance_fen + fee_public_health_fen + fee_resident_fen AND fee_insurance_fen >= 0 AND fee_public_health_fen >= 0 AND fee_resident_fen >= 0', name=op.f('ck_service_packages_fee_split')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_service_packages_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_packages')),
    sa.UniqueConstraint('code', name=op.f('uq_service_packages_code'))
    )
    op.create_table('townships',
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('county_name', sa.String(length=60), nullable=True),
    sa.Column('institution_name', sa.String(length=100), nullable=True),
    sa.Column('centre_phone', sa.String(length=30), nullable=True),
    sa.Column('service_hours', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("(length(code) = 9 AND ltrim(code, '0123456789') = '')", name=op.f('ck_townships_code_digits')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_townships_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_townships')),
    sa.UniqueConstraint('code', name=op.f('uq_townships_code'))
    )
    op.create_table('package_items',
    sa.Column('package_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('service_kind', sa.String(length=30), nullable=False),
    sa.Column('times_per_year', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("service_kind IN ('health_assessment', 'health_education', 'consultation', 'hypertension_followup', 'diabetes_followup', 'elderly_check', 'home_visit', 'tcm', 'child_check', 'maternal_check', 'mental_followup', 'tb_followup', 'long_prescription')", name=op.f('ck_package_items_service_kind_code')),
    sa.CheckConstraint('times_per_year BETWEEN 1 AND 52', name=op.f('ck_package_items_times_per_year_range')),
    sa.ForeignKeyConstraint(['package_id'], ['service_packages.id'], name=op.f('fk_package_items_package_id_service_packages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_items')),
    sa.UniqueConstraint('package_id', 'position', name=op.f('uq_package_items_package_id'))
    )
    with op.batch_alter_table('package_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_items_package_id'), ['package_id'], unique=False)

    op.create_table('staff',
    sa.Column('township_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=30), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('username', sa.String(length=40), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("role IN ('doctor', 'nurse', 'public_health', 'specialist', 'admin')", name=op.f('ck_staff_role_code')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_staff_name_not_empty')),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], name=op.f('fk_staff_township_id_townships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_username'))
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_township_id'), ['township_id'], unique=False)

    op.create_table('villages',
    sa.Column('township_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('record_segment', sa.String(length=3), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("(length(code) = 12 AND ltrim(code, '0123456789') = '')", name=op.f('ck_villages_code_digits')),
    sa.CheckConstraint("(length(record_segment) = 3 AND ltrim(record_segment, '0123456789') = '')", name=op.f('ck_villages_record_segment_digits')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_villages_name_not_empty')),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], name=op.f('fk_villages_township_id_townships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_villages')),
    sa.UniqueConstraint('code', name=op.f('uq_villages_code'))
    )
    with op.batch_alter_table('villages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_villages_township_id'), ['township_id'], unique=False)

    op.create_table('households',
    sa.Column('village_id', sa.Uuid(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('head_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=True),
    sa.Column('voided_by_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint('(voided_at IS NULL) = (void_reason IS NULL)', name=op.f('ck_households_void_has_reason')),
    sa.ForeignKeyConstraint(['head_id'], ['residents.id'], name=op.f('fk_households_head_id_residents'), use_alter=True),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_households_village_id_villages')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_households_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households'))
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_village_id'), ['village_id'], unique=False)

    op.create_table('teams',
    sa.Column('township_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('leader_id', sa.Uuid(), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_teams_name_not_empty')),
    sa.ForeignKeyConstraint(['leader_id'], ['staff.id'], name=op.f('fk_teams_leader_id_staff')),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], name=op.f('fk_teams_township_id_townships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams'))
    )
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teams_township_id'), ['township_id'], unique=False)

    op.create_table('residents',
    sa.Column('village_id', sa.Uuid(), nullable=False),
    sa.Column('household_id', sa.Uuid(), nullable=True),
    sa.Column('relationship_to_head', sa.String(length=2), nullable=True),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('name_pinyin', sa.String(length=200), nullable=False),
    sa.Column('name_initials', sa.String(length=50), nullable=False),
    sa.Column('sex', sa.Integer(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('id_type', sa.String(length=2), nullable=False),
    sa.Column('id_number', sa.String(length=30), nullable=True),
    sa.Column('health_record_no', sa.String(length=17), nullable=True),
    sa.Column('ethnicity', sa.String(length=2), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('contact_name', sa.String(length=50), nullable=True),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('workplace', sa.String(length=100), nullable=True),
    sa.Column('resident_type', sa.String(length=1), nullable=True),
    sa.Column('blood_abo', sa.String(length=1), nullable=True),
    sa.Column('blood_rh', sa.String(length=1), nullable=True),
    sa.Column('education', sa.String(length=2), nullable=True),
    sa.Column('occupation', sa.String(length=1), nullable=True),
    sa.Column('marital_status', sa.String(length=1), nullable=True),
    sa.Column('payment_methods', sa.String(length=120), nullable=False),
    sa.Column('payment_other', sa.String(length=50), nullable=True),
    sa.Column('drug_allergies', sa.String(length=120), nullable=False),
    sa.Column('drug_allergy_other', sa.String(length=100), nullable=True),
    sa.Column('exposures', sa.String(length=120), nullable=False),
    sa.Column('family_history_father', sa.String(length=120), nullable=False),
    sa.Column('family_history_mother', sa.String(length=120), nullable=False),
    sa.Column('family_history_siblings', sa.String(length=120), nullable=False),
    sa.Column('family_history_children', sa.String(length=120), nullable=False),
    sa.Column('genetic_disease', sa.String(length=100), nullable=True),
    sa.Column('disabilities', sa.String(length=120), nullable=False),
    sa.Column('disability_other', sa.String(length=100), nullable=True),
    sa.Column('kitchen_exhaust', sa.String(length=1), nullable=True),
    sa.Column('fuel', sa.String(length=1), nullable=True),
    sa.Column('water', sa.String(length=1), nullable=True),
    sa.Column('toilet', sa.String(length=1), nullable=True),
    sa.Column('livestock_pen', sa.String(length=1), nullable=True),
    sa.Column('has_hypertension', sa.Boolean(), nullable=False),
    sa.Column('has_diabetes', sa.Boolean(), nullable=False),
    sa.Column('has_tuberculosis', sa.Boolean(), nullable=False),
    sa.Column('has_severe_mental_disorder', sa.Boolean(), nullable=False),
    sa.Column('poverty_status', sa.String(length=1), nullable=True),
    sa.Column('family_planning_special', sa.Boolean(), nullable=False),
    sa.Column('pregnant', sa.Boolean(), nullable=False),
    sa.Column('postpartum_until', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('status_changed_on', sa.Date(), nullable=True),
    sa.Column('merged_into_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=True),
    sa.Column('voided_by_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint("(blood_abo IS NULL OR blood_abo IN ('1', '2', '3', '4', '5'))", name=op.f('ck_residents_blood_abo_code')),
    sa.CheckConstraint("(blood_rh IS NULL OR blood_rh IN ('1', '2', '3'))", name=op.f('ck_residents_blood_rh_code')),
    sa.CheckConstraint("(education IS NULL OR education IN ('1', '2', '3', '4', '5', '6', '7', '8', '9', '10'))", name=op.f('ck_residents_education_code')),
    sa.CheckConstraint("(ethnicity IS NULL OR ethnicity IN ('01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '30', '31', '32', '33', '34', '35', '36', '37', '38', '39', '40', '41', '42', '43', '44', '45', '46', '47', '48', '49', '50', '51', '52', '53', '54', '55', '56', '97', '98'))", name=op.f('ck_residents_ethnicity_code')),
    sa.CheckConstraint("(fuel IS NULL OR fuel IN ('1', '2', '3', '4', '5', '6'))", name=op.f('ck_residents_fuel_code')),
    sa.CheckConstraint("(health_record_no IS NULL OR (length(health_record_no) = 17 AND ltrim(health_record_no, '0123456789') = ''))", name=op.f('ck_residents_record_no_digits')),
    sa.CheckConstraint("(kitchen_exhaust IS NULL OR kitchen_exhaust IN ('1', '2', '3', '4'))", name=op.f('ck_residents_kitchen_code')),
    sa.CheckConstraint("(livestock_pen IS NULL OR livestock_pen IN ('1', '2', '3', '4'))", name=op.f('ck_residents_livestock_code')),
    sa.CheckConstraint("(marital_status IS NULL OR marital_status IN ('1', '2', '3', '4', '5'))", name=op.f('ck_residents_marital_code')),
    sa.CheckConstraint("(occupation IS NULL OR occupation IN ('0', '1', '2', '3', '4', '5', '6', '7', '8'))", name=op.f('ck_residents_occupation_code')),
    sa.CheckConstraint("(poverty_status IS NULL OR poverty_status IN ('1', '2', '3', '4'))", name=op.f('ck_residents_poverty_code')),
    sa.CheckConstraint("(relationship_to_head IS NULL OR relationship_to_head IN ('01', '10', '20', '30', '40', '50', '60', '70', '80', '99'))", name=op.f('ck_residents_relationship_code')),
    sa.CheckConstraint("(resident_type IS NULL OR resident_type IN ('1', '2'))", name=op.f('ck_residents_resident_type_code')),
    sa.CheckConstraint("(status = 'active') = (status_changed_on IS NULL)", name=op.f('ck_residents_status_date')),
    sa.CheckConstraint("(toilet IS NULL OR toilet IN ('1', '2', '3', '4', '5'))", name=op.f('ck_residents_toilet_code')),
    sa.CheckConstraint("(water IS NULL OR water IN ('1', '2', '3', '4', '5', '6'))", name=op.f('ck_residents_water_code')),
    sa.CheckConstraint("id_number IS NULL OR id_type NOT IN ('01', '07') OR (length(id_number) = 18 AND ltrim(substr(id_number, 1, 17), '0123456789') = '' AND substr(id_number, 18, 1) IN ('0','1','2','3','4','5','6','7','8','9','X'))", name=op.f('ck_residents_id_number_format')),
    sa.CheckConstraint("id_type IN ('01', '02', '03', '04', '05', '06', '07', '08', '99')", name=op.f('ck_residents_id_type_code')),
    sa.CheckConstraint("status IN ('active', 'moved_out', 'deceased')", name=op.f('ck_residents_status_code')),
    sa.CheckConstraint('(voided_at IS NULL) = (void_reason IS NULL)', name=op.f('ck_residents_void_has_reason')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_residents_name_not_empty')),
    sa.CheckConstraint('sex IN (0, 1, 2, 9)', name=op.f('ck_residents_sex_code')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_residents_household_id_households')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['residents.id'], name=op.f('fk_residents_merged_into_id_residents')),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_residents_village_id_villages')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_residents_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_residents')),
    sa.UniqueConstraint('health_record_no', name=op.f('uq_residents_health_record_no'))
    )
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_residents_birth_date'), ['birth_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_residents_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_residents_village_id'), ['village_id'], unique=False)
        batch_op.create_index('uq_residents_active_id_number', ['id_type', 'id_number'], unique=True, sqlite_where=sa.text('voided_at IS NULL AND id_number IS NOT NULL'), postgresql_where=sa.text('voided_at IS NULL AND id_number IS NOT NULL'))

    op.create_table('team_members',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_team_members_staff_id_staff')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_members_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'staff_id', name=op.f('pk_team_members'))
    )
    op.create_table('team_villages',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('village_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_villages_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_team_villages_village_id_villages')),
    sa.PrimaryKeyConstraint('team_id', 'village_id', name=op.f('pk_team_villages'))
    )
    op.create_table('contracts',
    sa.Column('contract_no', sa.String(length=40), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('household_id', sa.Uuid(), nullable=True),
    sa.Column('representative_id', sa.Uuid(), nullable=False),
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('doctor_id', sa.Uuid(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('term_years', sa.Integer(), nullable=False),
    sa.Column('auto_renew', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('channel', sa.String(length=15), nullable=False),
    sa.Column('consent_given', sa.Boolean(), nullable=False),
    sa.Column('consented_at', sa.DateTime(), nullable=True),
    sa.Column('consent_text_version', sa.String(length=20), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('signature_png', sa.LargeBinary(), nullable=True),
    sa.Column('terminated_on', sa.Date(), nullable=True),
    sa.Column('termination_reason', sa.String(length=12), nullable=True),
    sa.Column('termination_note', sa.String(length=200), nullable=True),
    sa.Column('renewal_of_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("(status = 'terminated') = (termination_reason IS NOT NULL AND terminated_on IS NOT NULL)", name=op.f('ck_contracts_termination_has_reason')),
    sa.CheckConstraint("(termination_reason IS NULL OR termination_reason IN ('moved_out', 'unreachable', 'refused', 'voluntary', 'death', 'other'))", name=op.f('ck_contracts_termination_reason_code')),
    sa.CheckConstraint("channel IN ('door_to_door', 'clinic', 'roster_import')", name=op.f('ck_contracts_channel_code')),
    sa.CheckConstraint("scope = 'individual' OR household_id IS NOT NULL", name=op.f('ck_contracts_household_scope')),
    sa.CheckConstraint("scope IN ('household', 'individual')", name=op.f('ck_contracts_scope_code')),
    sa.CheckConstraint("status = 'draft' OR (consent_given AND consented_at IS NOT NULL AND signed_at IS NOT NULL)", name=op.f('ck_contracts_signed_with_consent')),
    sa.CheckConstraint("status IN ('draft', 'active', 'expired', 'renewed', 'terminated')", name=op.f('ck_contracts_status_code')),
    sa.CheckConstraint('end_date > start_date', name=op.f('ck_contracts_end_after_start')),
    sa.CheckConstraint('term_years BETWEEN 1 AND 3', name=op.f('ck_contracts_term_range')),
    sa.ForeignKeyConstraint(['doctor_id'], ['staff.id'], name=op.f('fk_contracts_doctor_id_staff')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_contracts_household_id_households')),
    sa.ForeignKeyConstraint(['renewal_of_id'], ['contracts.id'], name=op.f('fk_contracts_renewal_of_id_contracts')),
    sa.ForeignKeyConstraint(['representative_id'], ['residents.id'], name=op.f('fk_contracts_representative_id_residents')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_contracts_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('contract_no', name=op.f('uq_contracts_contract_no')),
    sa.UniqueConstraint('renewal_of_id', name=op.f('uq_contracts_renewal_of_id'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_doctor_id'), ['doctor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_end_date'), ['end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_team_id'), ['team_id'], unique=False)

    op.create_table('diagnoses',
    sa.Column('resident_id', sa.Uuid(), nullable=False),
    sa.Column('disease', sa.String(length=2), nullable=False),
    sa.Column('detail', sa.String(length=100), nullable=True),
    sa.Column('diagnosed_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=True),
    sa.Column('voided_by_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint("disease IN ('1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13')", name=op.f('ck_diagnoses_disease_code')),
    sa.CheckConstraint('(voided_at IS NULL) = (void_reason IS NULL)', name=op.f('ck_diagnoses_void_has_reason')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_diagnoses_resident_id_residents')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_diagnoses_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagnoses'))
    )
    with op.batch_alter_table('diagnoses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnoses_resident_id'), ['resident_id'], unique=False)

    op.create_table('history_events',
    sa.Column('resident_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('description', sa.String(length=100), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=True),
    sa.Column('voided_by_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint("kind IN ('surgery', 'trauma', 'transfusion')", name=op.f('ck_history_events_kind_code')),
    sa.CheckConstraint('(voided_at IS NULL) = (void_reason IS NULL)', name=op.f('ck_history_events_void_has_reason')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_history_events_resident_id_residents')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_history_events_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history_events'))
    )
    with op.batch_alter_table('history_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_history_events_resident_id'), ['resident_id'], unique=False)

    op.create_table('contract_members',
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('resident_id', sa.Uuid(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('ended_on IS NULL OR NOT is_active', name=op.f('ck_contract_members_ended_not_active')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_members_contract_id_contracts')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_contract_members_resident_id_residents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_members'))
    )
    with op.batch_alter_table('contract_members', schema=None) as batch_op:
        batch_op.create_index('ix_contract_members_contract_resident', ['contract_id', 'resident_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_contract_members_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index('uq_contract_members_active_resident', ['resident_id'], unique=True, sqlite_where=sa.text('is_active'), postgresql_where=sa.text('is_active'))

    op.create_table('contract_packages',
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('package_id', sa.Uuid(), nullable=False),
    sa.Column('fee_total_fen', sa.Integer(), nullable=False),
    sa.Column('fee_insurance_fen', sa.Integer(), nullable=False),
    sa.Column('fee_public_health_fen', sa.Integer(), nullable=False),
    sa.Column('fee_resident_fen', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('fee_total_fen = fee_insurance_fen + fee_public_health_fen + fee_resident_fen AND fee_insurance_fen >= 0 AND fee_public_health_fen >= 0 AND fee_resident_fen >= 0', name=op.f('ck_contract_packages_fee_split')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_packages_contract_id_contracts')),
    sa.ForeignKeyConstraint(['package_id'], ['service_packages.id'], name=op.f('fk_contract_packages_package_id_service_packages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_packages')),
    sa.UniqueConstraint('contract_id', 'package_id', name=op.f('uq_contract_packages_contract_id'))
    )
    with op.batch_alter_table('contract_packages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_packages_package_id'), ['package_id'], unique=False)

    op.create_table('satisfaction_surveys',
    sa.Column('resident_id', sa.Uuid(), nullable=False),
    sa.Column('contract_id', sa.Uuid(), nullable=True),
    sa.Column('surveyed_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('satisfied', sa.Boolean(), nullable=True),
    sa.Column('comments', sa.String(length=500), nullable=True),
    sa.Column('surveyor_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=True),
    sa.Column('voided_by_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint("channel IN ('phone', 'visit', 'clinic', 'online')", name=op.f('ck_satisfaction_surveys_channel_code')),
    sa.CheckConstraint('(voided_at IS NULL) = (void_reason IS NULL)', name=op.f('ck_satisfaction_surveys_void_has_reason')),
    sa.CheckConstraint('score IS NOT NULL OR satisfied IS NOT NULL', name=op.f('ck_satisfaction_surveys_has_answer')),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 0 AND 100', name=op.f('ck_satisfaction_surveys_score_range')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_satisfaction_surveys_contract_id_contracts')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_satisfaction_surveys_resident_id_residents')),
    sa.ForeignKeyConstraint(['surveyor_id'], ['staff.id'], name=op.f('fk_satisfaction_surveys_surveyor_id_staff')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_satisfaction_surveys_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_surveys'))
    )
    with op.batch_alter_table('satisfaction_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_satisfaction_surveys_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_satisfaction_surveys_surveyed_on'), ['surveyed_on'], unique=False)

    op.create_table('visits',
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('supersedes_id', sa.Uuid(), nullable=True),
    sa.Column('correction_reason', sa.String(length=200), nullable=True),
    sa.Column('resident_id', sa.Uuid(), nullable=False),
    sa.Column('contract_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('mode', sa.String(length=1), nullable=False),
    sa.Column('doctor_id', sa.Uuid(), nullable=False),
    sa.Column('next_visit_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=True),
    sa.Column('voided_by_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint("kind IN ('hypertension', 'diabetes', 'elderly_check', 'home_visit')", name=op.f('ck_visits_kind_code')),
    sa.CheckConstraint("mode IN ('1', '2', '3')", name=op.f('ck_visits_mode_code')),
    sa.CheckConstraint('(revision = 1) = (supersedes_id IS NULL)', name=op.f('ck_visits_revision_chain')),
    sa.CheckConstraint('(voided_at IS NULL) = (void_reason IS NULL)', name=op.f('ck_visits_void_has_reason')),
    sa.CheckConstraint('next_visit_date IS NULL OR next_visit_date > visit_date', name=op.f('ck_visits_next_after')),
    sa.CheckConstraint('revision >= 1', name=op.f('ck_visits_revision_positive')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_visits_contract_id_contracts')),
    sa.ForeignKeyConstraint(['doctor_id'], ['staff.id'], name=op.f('fk_visits_doctor_id_staff')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_visits_resident_id_residents')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['visits.id'], name=op.f('fk_visits_supersedes_id_visits')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_visits_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_visits_supersedes_id'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index('ix_visits_resident_kind_date', ['resident_id', 'kind', 'visit_date', 'voided_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_visit_date'), ['visit_date'], unique=False)
        batch_op.create_index('uq_visits_record_revision', ['record_id', 'revision'], unique=True)

    op.create_table('diabetes_followups',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dorsalis_pedis', sa.String(length=1), nullable=True),
    sa.Column('staple_food_g', sa.Integer(), nullable=True),
    sa.Column('staple_food_target_g', sa.Integer(), nullable=True),
    sa.Column('fasting_glucose', sa.Float(), nullable=True),
    sa.Column('hba1c', sa.Float(), nullable=True),
    sa.Column('hba1c_date', sa.Date(), nullable=True),
    sa.Column('hypoglycaemia', sa.String(length=1), nullable=True),
    sa.Column('insulin_type', sa.String(length=50), nullable=True),
    sa.Column('insulin_dose', sa.String(length=50), nullable=True),
    sa.CheckConstraint("(dorsalis_pedis IS NULL OR dorsalis_pedis IN ('1', '2', '3', '4', '5'))", name=op.f('ck_diabetes_followups_pulse_code')),
    sa.CheckConstraint("(hypoglycaemia IS NULL OR hypoglycaemia IN ('1', '2', '3'))", name=op.f('ck_diabetes_followups_hypo_code')),
    sa.CheckConstraint('fasting_glucose IS NULL OR fasting_glucose BETWEEN 0.5 AND 50', name=op.f('ck_diabetes_followups_glucose_range')),
    sa.CheckConstraint('hba1c IS NULL OR hba1c BETWEEN 2 AND 25', name=op.f('ck_diabetes_followups_hba1c_range')),
    *_chronic_followup_parts('diabetes_followups'),
    sa.ForeignKeyConstraint(['id'], ['visits.id'], name=op.f('fk_diabetes_followups_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diabetes_followups'))
    )
    op.create_table('elderly_checks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('symptoms', sa.String(length=200), nullable=True),
    sa.Column('temperature_c', sa.Float(), nullable=True),
    sa.Column('pulse', sa.Integer(), nullable=True),
    sa.Column('respiration', sa.Integer(), nullable=True),
    sa.Column('systolic_left', sa.Integer(), nullable=True),
    sa.Column('diastolic_left', sa.Integer(), nullable=True),
    sa.Column('systolic_right', sa.Integer(), nullable=True),
    sa.Column('diastolic_right', sa.Integer(), nullable=True),
    sa.Column('height_cm', sa.Float(), nullable=True),
    sa.Column('weight_kg', sa.Float(), nullable=True),
    sa.Column('waist_cm', sa.Float(), nullable=True),
    sa.Column('bmi', sa.Float(), nullable=True),
    sa.Column('health_self_assessment', sa.String(length=1), nullable=True),
    sa.Column('self_care_score', sa.Integer(), nullable=True),
    sa.Column('cognition_screen', sa.String(length=1), nullable=True),
    sa.Column('emotion_screen', sa.String(length=1), nullable=True),
    sa.Column('haemoglobin_g_l', sa.Float(), nullable=True),
    sa.Column('fasting_glucose', sa.Float(), nullable=True),
    sa.Column('total_cholesterol', sa.Float(), nullable=True),
    sa.Column('triglycerides', sa.Float(), nullable=True),
    sa.Column('ldl_cholesterol', sa.Float(), nullable=True),
    sa.Column('hdl_cholesterol', sa.Float(), nullable=True),
    sa.Column('creatinine_umol_l', sa.Float(), nullable=True),
    sa.Column('alt_u_l', sa.Float(), nullable=True),
    sa.Column('ast_u_l', sa.Float(), nullable=True),
    sa.Column('ecg', sa.String(length=1), nullable=True),
    sa.Column('abdominal_ultrasound', sa.String(length=1), nullable=True),
    sa.Column('evaluation', sa.String(length=1), nullable=True),
    sa.Column('abnormal_findings', sa.String(length=300), nullable=True),
    sa.Column('health_guidance', sa.String(length=300), nullable=True),
    sa.CheckConstraint("(abdominal_ultrasound IS NULL OR abdominal_ultrasound IN ('1', '2'))", name=op.f('ck_elderly_checks_ultrasound_code')),
    sa.CheckConstraint("(cognition_screen IS NULL OR cognition_screen IN ('1', '2'))", name=op.f('ck_elderly_checks_cognition_code')),
    sa.CheckConstraint("(ecg IS NULL OR ecg IN ('1', '2'))", name=op.f('ck_elderly_checks_ecg_code')),
    sa.CheckConstraint("(emotion_screen IS NULL OR emotion_screen IN ('1', '2'))", name=op.f('ck_elderly_checks_emotion_code')),
    sa.CheckConstraint("(evaluation IS NULL OR evaluation IN ('1', '2'))", name=op.f('ck_elderly_checks_evaluation_code')),
    sa.CheckConstraint("(health_self_assessment IS NULL OR health_self_assessment IN ('1', '2', '3', '4', '5'))", name=op.f('ck_elderly_checks_self_assessment_code')),
    sa.CheckConstraint('self_care_score IS NULL OR self_care_score BETWEEN 0 AND 37', name=op.f('ck_elderly_checks_self_care_range')),
    sa.ForeignKeyConstraint(['id'], ['visits.id'], name=op.f('fk_elderly_checks_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elderly_checks'))
    )
    op.create_table('home_visits',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('purposes', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=True),
    sa.Column('systolic', sa.Integer(), nullable=True),
    sa.Column('diastolic', sa.Integer(), nullable=True),
    sa.Column('blood_glucose', sa.Float(), nullable=True),
    sa.CheckConstraint('diastolic IS NULL OR diastolic BETWEEN 20 AND 200', name=op.f('ck_home_visits_diastolic_range')),
    sa.CheckConstraint('systolic IS NULL OR systolic BETWEEN 40 AND 300', name=op.f('ck_home_visits_systolic_range')),
    sa.ForeignKeyConstraint(['id'], ['visits.id'], name=op.f('fk_home_visits_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_visits'))
    )
    op.create_table('hypertension_followups',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('heart_rate', sa.Integer(), nullable=True),
    sa.Column('salt_intake', sa.String(length=1), nullable=True),
    sa.Column('salt_target', sa.String(length=1), nullable=True),
    sa.Column('bp_target', sa.String(length=30), nullable=True),
    sa.CheckConstraint("(salt_intake IS NULL OR salt_intake IN ('1', '2', '3'))", name=op.f('ck_hypertension_followups_salt_code')),
    sa.CheckConstraint("(salt_target IS NULL OR salt_target IN ('1', '2', '3'))", name=op.f('ck_hypertension_followups_salt_target_code')),
    *_chronic_followup_parts('hypertension_followups'),
    sa.ForeignKeyConstraint(['id'], ['visits.id'], name=op.f('fk_hypertension_followups_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hypertension_followups'))
    )
    op.create_table('medications',
    sa.Column('visit_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('times_per_day', sa.Integer(), nullable=True),
    sa.Column('dose', sa.String(length=50), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('times_per_day IS NULL OR times_per_day BETWEEN 1 AND 12', name=op.f('ck_medications_times_range')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_medications_visit_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_medications'))
    )
    with op.batch_alter_table('medications', schema=None) as batch_op:
        batch_op.create_index('uq_medications_visit_position', ['visit_id', 'position'], unique=True)

    op.create_table('planned_services',
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('resident_id', sa.Uuid(), nullable=False),
    sa.Column('package_item_id', sa.Uuid(), nullable=False),
    sa.Column('service_kind', sa.String(length=30), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('fulfilled_on', sa.Date(), nullable=True),
    sa.Column('visit_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("(status = 'done') = (fulfilled_on IS NOT NULL)", name=op.f('ck_planned_services_done_has_date')),
    sa.CheckConstraint("service_kind IN ('health_assessment', 'health_education', 'consultation', 'hypertension_followup', 'diabetes_followup', 'elderly_check', 'home_visit', 'tcm', 'child_check', 'maternal_check', 'mental_followup', 'tb_followup', 'long_prescription')", name=op.f('ck_planned_services_service_kind_code')),
    sa.CheckConstraint("status IN ('planned', 'done', 'cancelled')", name=op.f('ck_planned_services_status_code')),
    sa.CheckConstraint('window_end >= window_start', name=op.f('ck_planned_services_window_order')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_planned_services_contract_id_contracts')),
    sa.ForeignKeyConstraint(['package_item_id'], ['package_items.id'], name=op.f('fk_planned_services_package_item_id_package_items')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_planned_services_resident_id_residents')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_planned_services_visit_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_services'))
    )
    with op.batch_alter_table('planned_services', schema=None) as batch_op:
        batch_op.create_index('ix_planned_services_contract', ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_planned_services_visit_id'), ['visit_id'], unique=False)
        batch_op.create_index('ix_planned_services_resident_due', ['resident_id', 'window_end', 'status', 'fulfilled_on'], unique=False)
        batch_op.create_index('ix_planned_services_kind_due', ['service_kind', 'window_end', 'status', 'fulfilled_on'], unique=False)

    op.create_table('referrals',
    sa.Column('resident_id', sa.Uuid(), nullable=False),
    sa.Column('visit_id', sa.Uuid(), nullable=True),
    sa.Column('direction', sa.String(length=4), nullable=False),
    sa.Column('urgency', sa.String(length=8), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('institution', sa.String(length=100), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=True),
    sa.Column('doctor_id', sa.Uuid(), nullable=False),
    sa.Column('outcome', sa.String(length=200), nullable=True),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('server_version', sa.BigInteger(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=True),
    sa.Column('voided_by_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint("direction IN ('up', 'down')", name=op.f('ck_referrals_direction_code')),
    sa.CheckConstraint("urgency IN ('urgent', 'routine')", name=op.f('ck_referrals_urgency_code')),
    sa.CheckConstraint('(voided_at IS NULL) = (void_reason IS NULL)', name=op.f('ck_referrals_void_has_reason')),
    sa.CheckConstraint('outcome_on IS NULL OR outcome_on >= referred_on', name=op.f('ck_referrals_outcome_after')),
    sa.ForeignKeyConstraint(['doctor_id'], ['staff.id'], name=op.f('fk_referrals_doctor_id_staff')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_referrals_resident_id_residents')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_referrals_visit_id_visits')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_referrals_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_resident_id'), ['resident_id'], unique=False)

    _create_triggers()


# Visit records are medical documentation (DOMAIN.md §5): never deleted, never edited. A
# correction is a new revision; voiding (with a reason) and the sync bookkeeping columns are
# the only updates allowed. resident_id stays updatable so that the county server's merge of
# a person registered twice can re-point records to the survivor.
VISIT_CLINICAL_COLUMNS = (
    "record_id", "revision", "supersedes_id", "correction_reason", "contract_id", "kind",
    "visit_date", "mode", "doctor_id", "next_visit_date", "notes",
)
VISIT_DETAIL_TABLES = ("hypertension_followups", "diabetes_followups", "elderly_checks", "home_visits")
MEDICATION_COLUMNS = ("visit_id", "position", "name", "times_per_day", "dose")
NEVER_DELETED = "SELECT RAISE(ABORT, 'visit records are never deleted; void them with a reason')"
IMMUTABLE = "SELECT RAISE(ABORT, 'visit records are immutable; record a new revision')"


def _immutability_triggers() -> list[str]:
    stmts = [
        f"CREATE TRIGGER trg_visits_immutable BEFORE UPDATE OF {', '.join(VISIT_CLINICAL_COLUMNS)}"
        f" ON visits BEGIN {IMMUTABLE}; END",
        f"CREATE TRIGGER trg_medications_immutable BEFORE UPDATE OF {', '.join(MEDICATION_COLUMNS)}"
        f" ON medications BEGIN {IMMUTABLE}; END",
    ]
    for table in VISIT_DETAIL_TABLES:
        stmts.append(f"CREATE TRIGGER trg_{table}_immutable BEFORE UPDATE ON {table} BEGIN {IMMUTABLE}; END")
    for table in ("visits", "medications", *VISIT_DETAIL_TABLES):
        stmts.append(f"CREATE TRIGGER trg_{table}_no_delete BEFORE DELETE ON {table} BEGIN {NEVER_DELETED}; END")
    return stmts


def _create_triggers() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for stmt in _immutability_triggers():
        op.execute(stmt)


def _drop_triggers() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in ("visits", "medications", *VISIT_DETAIL_TABLES):
        op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_immutable")
        op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_delete")


def downgrade() -> None:
    _drop_triggers()
    # Dropping a table drops its indexes; reverse creation order respects foreign keys.
    for table in reversed(TABLES):
        op.drop_table(table)
