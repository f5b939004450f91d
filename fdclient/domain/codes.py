"""National code tables used by the forms, as ``{code: Chinese label}``.

The code lists of the visit forms are kept with their English labels as well
(``VISIT_MODE_TEXT = {code: Text(Chinese, English)}``, made by :func:`bilingual`): the
interface shows the label of its language from there, and the Chinese table of the same
name (``VISIT_MODE``) is derived from it, so there is one list. A :class:`CodeEnum` member
may carry its English name too (``ServiceKind``).

Sources: the personal information form and follow-up forms of the national basic public
health service specification, 3rd edition (2017); GB/T 2261.1 (sex), GB 3304 (ethnicity),
GB/T 4761 (family relationship, top-level groups). The database stores the codes; the
labels are for forms, documents and the UI. CHECK constraints are built from these tables
so the database refuses a code the form does not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from fdclient.domain.roles import ROLE_LABELS, Role
from fdclient.text import Text


class CodeEnum(StrEnum):
    """A status or kind: its stored code is the value, ``label`` its Chinese name and
    ``label_en`` its English one when kept (else "").

    ``DRAFT = "draft", "草稿"`` declares both; members compare equal to their codes.
    ``TCM = "tcm", "中医药健康管理", "TCM health management"`` adds the English.
    """

    label: str
    label_en: str

    def __new__(cls, value: str, label: str = "", label_en: str = "") -> Any:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.label_en = label_en
        return member

    @property
    def text(self) -> Text:
        """The name in both languages (the Chinese when no English is kept)."""
        return Text(self.label, self.label_en or self.label)


def labels_of(enum: type[CodeEnum]) -> dict[Any, str]:
    """``{member: label}`` of a CodeEnum, in declaration order (for CHECKs and forms)."""
    return {member: member.label for member in enum}


def bilingual(*rows: tuple[str, str, str]) -> Mapping[str, Text]:
    """A code list with its labels in both languages, from ``(code, Chinese, English)``
    rows, in that order. The English is written as a form's label (“Headache, dizziness”);
    :func:`in_sentence` makes it fit inside a message."""
    return MappingProxyType({code: Text(zh, en) for code, zh, en in rows})


def chinese(table: Mapping[str, Text]) -> dict[str, str]:
    """``{code: Chinese label}`` of a :func:`bilingual` list (for CHECKs and documents)."""
    return {code: text.zh for code, text in table.items()}


def in_sentence(label: Text) -> Text:
    """A label to use inside an English sentence: its first letter in lower case unless
    the first word is an abbreviation (“TCM …”)."""
    en = label.en
    if len(en) > 1 and en[0].isupper() and not en[1].isupper():
        en = en[0].lower() + en[1:]
    return Text(label.zh, en)


SEX = {"0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别"}
SEX_CODES = (0, 1, 2, 9)

ID_TYPE = {
    "01": "居民身份证",
    "02": "居民户口簿",
    "03": "护照",
    "04": "军官证",
    "05": "港澳居民来往内地通行证",
    "06": "台湾居民来往大陆通行证",
    "07": "港澳台居民居住证",
    "08": "外国人永久居留身份证",
    "99": "其他证件",
}
#: ID types whose numbers follow the 18-character GB 11643 rule.
GB11643_ID_TYPES = ("01", "07")

# GB 3304-1991 民族代码 (01-56), plus 97 其他 and 98 外国血统中国籍人士.
ETHNICITY = {
    "01": "汉族",
    "02": "蒙古族",
    "03": "回族",
    "04": "藏族",
    "05": "维吾尔族",
    "06": "苗族",
    "07": "彝族",
    "08": "壮族",
    "09": "布依族",
    "10": "朝鲜族",
    "11": "满族",
    "12": "侗族",
    "13": "瑶族",
    "14": "白族",
    "15": "土家族",
    "16": "哈尼族",
    "17": "哈萨克族",
    "18": "傣族",
    "19": "黎族",
    "20": "傈僳族",
    "21": "佤族",
    "22": "畲族",
    "23": "高山族",
    "24": "拉祜族",
    "25": "水族",
    "26": "东乡族",
    "27": "纳西族",
    "28": "景颇族",
    "29": "柯尔克孜族",
    "30": "土族",
    "31": "达斡尔族",
    "32": "仫佬族",
    "33": "羌族",
    "34": "布朗族",
    "35": "撒拉族",
    "36": "毛南族",
    "37": "仡佬族",
    "38": "锡伯族",
    "39": "阿昌族",
    "40": "普米族",
    "41": "塔吉克族",
    "42": "怒族",
    "43": "乌孜别克族",
    "44": "俄罗斯族",
    "45": "鄂温克族",
    "46": "德昂族",
    "47": "保安族",
    "48": "裕固族",
    "49": "京族",
    "50": "塔塔尔族",
    "51": "独龙族",
    "52": "鄂伦春族",
    "53": "赫哲族",
    "54": "门巴族",
    "55": "珞巴族",
    "56": "基诺族",
    "97": "其他",
    "98": "外国血统中国籍人士",
}

# GB/T 4761-2008, the top-level groups used on household registers.
RELATIONSHIP = {
    "01": "户主",
    "10": "配偶",
    "20": "子",
    "30": "女",
    "40": "孙子女或外孙子女",
    "50": "父母",
    "60": "祖父母或外祖父母",
    "70": "兄弟姐妹",
    "80": "其他亲属",
    "99": "非亲属",
}
HEAD_OF_HOUSEHOLD = "01"

RESIDENT_TYPE = {"1": "户籍", "2": "非户籍"}
BLOOD_ABO = {"1": "A型", "2": "B型", "3": "O型", "4": "AB型", "5": "不详"}
BLOOD_RH = {"1": "Rh阴性", "2": "Rh阳性", "3": "不详"}
EDUCATION = {
    "1": "研究生",
    "2": "大学本科",
    "3": "大学专科和专科学校",
    "4": "中等专业学校",
    "5": "技工学校",
    "6": "高中",
    "7": "初中",
    "8": "小学",
    "9": "文盲或半文盲",
    "10": "不详",
}
OCCUPATION = {
    "0": "国家机关、党群组织、企业、事业单位负责人",
    "1": "专业技术人员",
    "2": "办事人员和有关人员",
    "3": "商业、服务业人员",
    "4": "农、林、牧、渔、水利业生产人员",
    "5": "生产、运输设备操作人员及有关人员",
    "6": "军人",
    "7": "不便分类的其他从业人员",
    "8": "无职业",
}
MARITAL_STATUS = {"1": "未婚", "2": "已婚", "3": "丧偶", "4": "离婚", "5": "未说明的婚姻状况"}
PAYMENT_METHOD = {
    "1": "城镇职工基本医疗保险",
    "2": "城乡居民基本医疗保险",
    "3": "新型农村合作医疗",
    "4": "贫困救助",
    "5": "商业医疗保险",
    "6": "全公费",
    "7": "全自费",
    "8": "其他",
}
DRUG_ALLERGY = {"1": "无", "2": "青霉素", "3": "磺胺", "4": "链霉素", "5": "其他"}
EXPOSURE = {"1": "无", "2": "化学品", "3": "毒物", "4": "射线"}
PAST_DISEASE = {
    "1": "无",
    "2": "高血压",
    "3": "糖尿病",
    "4": "冠心病",
    "5": "慢性阻塞性肺疾病",
    "6": "恶性肿瘤",
    "7": "脑卒中",
    "8": "严重精神障碍",
    "9": "结核病",
    "10": "肝炎",
    "11": "其他法定传染病",
    "12": "职业病",
    "13": "其他",
}
#: Past diseases that make a resident a patient of a managed programme: a diagnosis of one
#: sets the resident's has_hypertension / has_diabetes (fdclient.services.registry.medical_history).
HYPERTENSION_DISEASE = "2"
DIABETES_DISEASE = "3"
#: Past diseases whose name is written beside the box (恶性肿瘤, 其他法定传染病, 职业病, 其他).
PAST_DISEASE_WITH_DETAIL = frozenset({"6", "11", "12", "13"})
#: 家族史: the 2017 form's own list for father, mother, siblings and children. Codes 1-10 are
#: those of PAST_DISEASE; 11 and 12 are not (先天畸形, 其他), and the form has no 13.
FAMILY_HISTORY = {
    "1": "无",
    "2": "高血压",
    "3": "糖尿病",
    "4": "冠心病",
    "5": "慢性阻塞性肺疾病",
    "6": "恶性肿瘤",
    "7": "脑卒中",
    "8": "严重精神障碍",
    "9": "结核病",
    "10": "肝炎",
    "11": "先天畸形",
    "12": "其他",
}


class HistoryEventKind(CodeEnum):
    SURGERY = "surgery", "手术"
    TRAUMA = "trauma", "外伤"
    TRANSFUSION = "transfusion", "输血"


HISTORY_EVENT_KIND = labels_of(HistoryEventKind)
FAMILY_MEMBER = {"father": "父亲", "mother": "母亲", "siblings": "兄弟姐妹", "children": "子女"}
GENETIC_DISEASE = {"1": "无", "2": "有"}
DISABILITY = {
    "1": "无残疾",
    "2": "视力残疾",
    "3": "听力残疾",
    "4": "言语残疾",
    "5": "肢体残疾",
    "6": "智力残疾",
    "7": "精神残疾",
    "8": "其他残疾",
}
KITCHEN_EXHAUST = {"1": "无", "2": "油烟机", "3": "换气扇", "4": "烟囱"}
FUEL = {"1": "液化气", "2": "煤", "3": "天然气", "4": "沼气", "5": "柴火", "6": "其他"}
WATER = {"1": "自来水", "2": "经净化过滤的水", "3": "井水", "4": "河湖水", "5": "塘水", "6": "其他"}
TOILET = {"1": "卫生厕所", "2": "一格或二格粪池式", "3": "马桶", "4": "露天粪坑", "5": "简易棚厕"}
LIVESTOCK_PEN = {"1": "无", "2": "单设", "3": "室内", "4": "室外"}

#: Poverty and relief statuses (帮扶类别), a set: a person can be 脱贫户 and 低保 at once.
RELIEF_STATUS = {
    "1": "脱贫户（建档立卡）",
    "2": "防止返贫监测对象",
    "3": "低保户",
    "4": "特困供养（五保）",
}


class ResidentStatus(CodeEnum):
    ACTIVE = "active", "在册"
    MOVED_OUT = "moved_out", "已迁出"
    DECEASED = "deceased", "已死亡"


RESIDENT_STATUS = labels_of(ResidentStatus)

#: Staff roles and their labels (the role table is in fdclient.domain.roles).
STAFF_ROLE: dict[Any, str] = dict(ROLE_LABELS)
StaffRole = Role


class PackageKind(CodeEnum):
    BASIC = "basic", "基础包"
    PERSONALISED = "personalised", "个性化服务包"


PACKAGE_KIND = labels_of(PackageKind)


#: What a package item delivers; a visit of the matching kind fulfils it.
class ServiceKind(CodeEnum):
    HEALTH_ASSESSMENT = "health_assessment", "健康评估", "Health assessment"
    HEALTH_EDUCATION = "health_education", "健康教育", "Health education"
    CONSULTATION = "consultation", "健康咨询", "Health consultation"
    HYPERTENSION_FOLLOWUP = "hypertension_followup", "高血压随访", "Hypertension follow-up"
    DIABETES_FOLLOWUP = "diabetes_followup", "糖尿病随访", "Type 2 diabetes follow-up"
    ELDERLY_CHECK = "elderly_check", "老年人健康体检", "Elderly health check"
    HOME_VISIT = "home_visit", "上门服务", "Home visit"
    TCM = "tcm", "中医药健康管理", "TCM health management"
    CHILD_CHECK = "child_check", "儿童健康检查", "Child health check"
    MATERNAL_CHECK = "maternal_check", "孕产妇健康管理", "Maternal health care"
    MENTAL_FOLLOWUP = "mental_followup", "严重精神障碍患者随访", "Severe mental disorder follow-up"
    TB_FOLLOWUP = "tb_followup", "肺结核患者随访", "Tuberculosis follow-up"
    LONG_PRESCRIPTION = "long_prescription", "长期处方", "Long-term prescription"


SERVICE_KIND = labels_of(ServiceKind)


class ContractScope(CodeEnum):
    HOUSEHOLD = "household", "以家庭为单位"
    INDIVIDUAL = "individual", "个人"


CONTRACT_SCOPE = labels_of(ContractScope)


class ContractStatus(CodeEnum):
    DRAFT = "draft", "草稿"
    ACTIVE = "active", "履约中"
    EXPIRED = "expired", "已到期"
    RENEWED = "renewed", "已续约"
    TERMINATED = "terminated", "已解约"


CONTRACT_STATUS = labels_of(ContractStatus)


class TerminationReason(CodeEnum):
    MOVED_OUT = "moved_out", "迁出本辖区"
    UNREACHABLE = "unreachable", "连续一年无法联系"
    REFUSED = "refused", "连续一年拒绝服务"
    VOLUNTARY = "voluntary", "本人申请解约"
    DEATH = "death", "死亡"
    OTHER = "other", "其他"


TERMINATION_REASON = labels_of(TerminationReason)


class SigningChannel(CodeEnum):
    DOOR_TO_DOOR = "door_to_door", "入户签约"
    CLINIC = "clinic", "门诊签约"
    ROSTER_IMPORT = "roster_import", "花名册导入"


SIGNING_CHANNEL = labels_of(SigningChannel)


#: Who gave a covered member's separate consent (PIPL art. 28-31).
class ConsentBy(CodeEnum):
    SELF = "self", "本人"
    GUARDIAN = "guardian", "监护人"
    #: The family representative, for an adult household member who agreed in person.
    REPRESENTATIVE = "representative", "家庭代表（本人当面同意）"


CONSENT_BY = labels_of(ConsentBy)


#: A guardian's relationship to the person in their care (民法典 art. 27-28, 32).
class GuardianRelationship(CodeEnum):
    FATHER = "father", "父亲"
    MOTHER = "mother", "母亲"
    GRANDPARENT = "grandparent", "祖父母、外祖父母"
    SIBLING = "sibling", "兄、姐"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "成年子女"
    OTHER_RELATIVE = "other_relative", "其他近亲属"
    #: Another person or an organisation (居委会, 村委会, 民政部门).
    OTHER = "other", "其他个人或组织"


GUARDIAN_RELATIONSHIP = labels_of(GuardianRelationship)


#: The two parties of a contract; which one is 甲方 is a township setting (DOMAIN.md §4).
class ContractParty(CodeEnum):
    RESIDENT = "resident", "签约居民（家庭）"
    TEAM = "team", "家庭医生团队"


class PlannedServiceStatus(CodeEnum):
    PLANNED = "planned", "待服务"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


PLANNED_SERVICE_STATUS = labels_of(PlannedServiceStatus)


class VisitKind(CodeEnum):
    HYPERTENSION = "hypertension", "高血压患者随访"
    DIABETES = "diabetes", "2型糖尿病患者随访"
    ELDERLY_CHECK = "elderly_check", "老年人健康体检"
    HOME_VISIT = "home_visit", "入户服务"
    #: A service without a form of its own (health education, TCM guidance, ...): a
    #: generic record naming its ServiceKind.
    SERVICE = "service", "服务记录"


VISIT_KIND = labels_of(VisitKind)
VISIT_MODE_TEXT = bilingual(("1", "门诊", "Clinic"), ("2", "家庭", "Home"), ("3", "电话", "Phone"))
HYPERTENSION_SYMPTOM_TEXT = bilingual(
    ("1", "无症状", "No symptoms"),
    ("2", "头痛头晕", "Headache, dizziness"),
    ("3", "恶心呕吐", "Nausea, vomiting"),
    ("4", "眼花耳鸣", "Blurred vision, tinnitus"),
    ("5", "呼吸困难", "Difficulty breathing"),
    ("6", "心悸胸闷", "Palpitations, chest tightness"),
    ("7", "鼻衄出血不止", "Nosebleed that does not stop"),
    ("8", "四肢发麻", "Numb limbs"),
    ("9", "下肢水肿", "Leg oedema"),
    ("10", "其他", "Other"),
)
DIABETES_SYMPTOM_TEXT = bilingual(
    ("1", "无症状", "No symptoms"),
    ("2", "多饮", "Drinking much"),
    ("3", "多食", "Eating much"),
    ("4", "多尿", "Passing much urine"),
    ("5", "视力模糊", "Blurred vision"),
    ("6", "感染", "Infection"),
    ("7", "手脚麻木", "Numb hands and feet"),
    ("8", "下肢浮肿", "Swollen legs"),
    ("9", "体重明显下降", "Marked weight loss"),
    ("10", "其他", "Other"),
)
#: Danger conditions (危急情况) the hypertension and diabetes follow-ups check first: any one
#: means urgent referral after first aid (2017 specification; see domain.followup_rules).
DANGER_SIGN_TEXT = bilingual(
    ("1", "意识或行为改变", "Altered consciousness or behaviour"),
    ("2", "剧烈头痛或头晕", "Severe headache or dizziness"),
    ("3", "恶心呕吐", "Nausea and vomiting"),
    ("4", "视力模糊、眼痛或视力骤降", "Blurred vision, eye pain or sudden loss of vision"),
    ("5", "胸痛、胸闷或心悸", "Chest pain, chest tightness or palpitations"),
    ("6", "喘憋不能平卧或深大呼吸", "Breathless, cannot lie flat, or deep rapid breathing"),
    ("7", "呼气有烂苹果样丙酮味", "Breath smelling of acetone (rotten apples)"),
    ("8", "心率持续超过100次/分", "Heart rate persistently above 100/min"),
    ("9", "体温超过 39 °C", "Temperature above 39 °C"),  # not ℃: WenQuanYi Micro Hei draws it empty
    ("10", "妊娠期或哺乳期血压或血糖高于正常", "Raised blood pressure or glucose in pregnancy or breastfeeding"),
    ("11", "其他不能处理的情况", "Another condition that cannot be treated here"),
)
SALT_INTAKE_TEXT = bilingual(("1", "轻", "Light"), ("2", "中", "Medium"), ("3", "重", "Heavy"))
ADJUSTMENT_TEXT = bilingual(("1", "良好", "Good"), ("2", "一般", "Fair"), ("3", "差", "Poor"))
MEDICATION_COMPLIANCE_TEXT = bilingual(
    ("1", "规律", "Regular"), ("2", "间断", "Intermittent"), ("3", "不服药", "Not taking medicine")
)
FOLLOWUP_CLASSIFICATION_TEXT = bilingual(
    ("1", "控制满意", "Controlled"),
    ("2", "控制不满意", "Not controlled"),
    ("3", "不良反应", "Adverse reaction"),
    ("4", "并发症", "Complication"),
)
DORSALIS_PEDIS_TEXT = bilingual(
    ("1", "触及正常", "Felt, normal"),
    ("2", "减弱（双侧）", "Weak (both sides)"),
    ("3", "减弱（左侧）", "Weak (left)"),
    ("4", "减弱（右侧）", "Weak (right)"),
    ("5", "消失", "Absent"),
)
HYPOGLYCAEMIA_TEXT = bilingual(("1", "无", "None"), ("2", "偶尔", "Occasional"), ("3", "频繁", "Frequent"))
HOME_VISIT_PURPOSE_TEXT = bilingual(
    ("1", "签约", "Signing"),
    ("2", "续约", "Renewal"),
    ("3", "随访", "Follow-up"),
    ("4", "健康教育", "Health education"),
    ("5", "用药指导", "Medication guidance"),
    ("6", "上门诊疗", "Treatment at home"),
    ("7", "其他", "Other"),
)
SELF_ASSESSMENT_TEXT = bilingual(
    ("1", "满意", "Satisfied"),
    ("2", "基本满意", "Fairly satisfied"),
    ("3", "说不清楚", "Cannot say"),
    ("4", "不太满意", "Not very satisfied"),
    ("5", "不满意", "Dissatisfied"),
)
SCREEN_RESULT_TEXT = bilingual(("1", "阴性", "Negative"), ("2", "阳性", "Positive"))
EXAM_RESULT_TEXT = bilingual(("1", "正常", "Normal"), ("2", "异常", "Abnormal"))

VISIT_MODE = chinese(VISIT_MODE_TEXT)
HYPERTENSION_SYMPTOM = chinese(HYPERTENSION_SYMPTOM_TEXT)
DIABETES_SYMPTOM = chinese(DIABETES_SYMPTOM_TEXT)
DANGER_SIGN = chinese(DANGER_SIGN_TEXT)
SALT_INTAKE = chinese(SALT_INTAKE_TEXT)
ADJUSTMENT = chinese(ADJUSTMENT_TEXT)
MEDICATION_COMPLIANCE = chinese(MEDICATION_COMPLIANCE_TEXT)
FOLLOWUP_CLASSIFICATION = chinese(FOLLOWUP_CLASSIFICATION_TEXT)
DORSALIS_PEDIS = chinese(DORSALIS_PEDIS_TEXT)
HYPOGLYCAEMIA = chinese(HYPOGLYCAEMIA_TEXT)
HOME_VISIT_PURPOSE = chinese(HOME_VISIT_PURPOSE_TEXT)
SELF_ASSESSMENT = chinese(SELF_ASSESSMENT_TEXT)
SCREEN_RESULT = chinese(SCREEN_RESULT_TEXT)
EXAM_RESULT = chinese(EXAM_RESULT_TEXT)


class ReferralDirection(CodeEnum):
    UP = "up", "上转"
    DOWN = "down", "下转"


REFERRAL_DIRECTION = labels_of(ReferralDirection)


class ReferralUrgency(CodeEnum):
    URGENT = "urgent", "紧急转诊"
    ROUTINE = "routine", "一般转诊"


REFERRAL_URGENCY = labels_of(ReferralUrgency)


class SurveyChannel(CodeEnum):
    PHONE = "phone", "电话回访"
    VISIT = "visit", "入户"
    CLINIC = "clinic", "门诊"
    ONLINE = "online", "线上"


SURVEY_CHANNEL = labels_of(SurveyChannel)


class AuditAction(CodeEnum):
    INSERT = "insert", "新增"
    UPDATE = "update", "修改"
    VOID = "void", "作废"
    SIGN_IN = "sign_in", "登录"
    SIGN_IN_FAILED = "sign_in_failed", "登录失败"
    ACCOUNT = "account", "账号变更"
    PRINT = "print", "打印"
    EXPORT = "export", "导出"
    IMPORT = "import", "导入"
    BACKUP = "backup", "备份"
    RESTORE = "restore", "恢复"
    ENCRYPT = "encrypt", "加密数据库"
    DEMO = "demo", "生成演示数据"


AUDIT_ACTION = labels_of(AuditAction)


def sql_in(column: str, table: Mapping[str, str], *, quoted: bool = True, nullable: bool = False) -> str:
    """A CHECK expression allowing exactly the codes of ``table`` in ``column``."""
    values = ", ".join(f"'{c}'" if quoted else c for c in table)
    expr = f"{column} IN ({values})"
    return f"({column} IS NULL OR {expr})" if nullable else expr


def sql_code_set(column: str, table: Mapping[str, str], *, alone: str | None = None) -> str:
    """A CHECK expression allowing in ``column`` (a CodeSet: codes joined by commas, ''
    for no answer) only codes of ``table``; the code ``alone`` (such as "1" 无) may not be
    combined with others. Each known code is cut out of ``,codes,`` in turn: a valid
    answer leaves one comma."""
    remainder = f"',' || {column} || ','"
    for code in table:
        remainder = f"replace({remainder}, ',{code},', ',')"
    expr = f"({column} = '' OR {remainder} = ',')"
    if alone is not None:
        expr = f"({expr} AND ({column} = '{alone}' OR instr(',' || {column} || ',', ',{alone},') = 0))"
    return expr
