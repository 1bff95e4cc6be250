"""Classification from names, comments, types and the table as context (no sampled values)."""

from __future__ import annotations

import time

import pytest

from scanner.enrich.lexicon import build_lexicon, load_lexicon, tokenize
from scanner.enrich.pii import classify_model
from scanner.finding import Confidence
from scanner.model.schema import Column, SchemaModel, Sensitivity, Table


def classify(table: str, column: str, data_type: str = "varchar(64)", comment: str = "",
             table_comment: str = "") -> Column:
    model = SchemaModel()
    col = model.add_table(Table(table, comment=table_comment)).add_column(
        Column(column, data_type=data_type, comment=comment))
    classify_model(model)
    return col


# (table, column, type, comment, expected category or None)
ROWS = [
    # person names: phrases, table context, hard negatives
    ("customer", "name", "varchar(50)", "", "person_name"),
    ("t_member_info", "name", "varchar(50)", "", "person_name"),
    ("patient", "name", "varchar(50)", "", "person_name"),
    ("product", "name", "varchar(50)", "", None),
    ("sys_role", "name", "varchar(50)", "", None),
    ("customer", "first_name", "varchar(50)", "", "person_name"),
    ("Customer", "LastName", "nvarchar(40)", "", "person_name"),
    ("actor", "full_name", "varchar(90)", "", "person_name"),
    ("orders", "real_name", "varchar(30)", "", "person_name"),
    ("orders", "receiver_name", "varchar(30)", "", "person_name"),
    ("crm", "contact_person", "varchar(30)", "", "person_name"),
    ("goods", "goods_name", "varchar(100)", "", None),
    ("attachment", "file_name", "varchar(100)", "", None),
    ("sys_dept", "dept_name", "varchar(30)", "部门名称", None),
    ("sys_role", "role_name", "varchar(30)", "角色名称", None),
    ("sys_post", "post_name", "varchar(50)", "岗位名称", None),
    ("customer", "company_name", "varchar(100)", "", None),
    ("user_group", "name", "varchar(50)", "", None),
    ("user_info", "name", "varchar(50)", "分组名称", None),
    ("t", "xm", "varchar(20)", "", "person_name"),
    ("t", "xingming", "varchar(20)", "", "person_name"),
    ("sys_dept", "leader", "varchar(20)", "负责人", "person_name"),
    ("t", "col_a", "varchar(20)", "客户姓名", "person_name"),
    ("t", "creator", "varchar(20)", "", None),
    ("t", "create_by", "varchar(64)", "创建者", None),
    # account names
    ("sys_user", "user_name", "varchar(30)", "用户账号", "username"),
    ("account", "username", "varchar(30)", "", "username"),
    ("sys_user", "nick_name", "varchar(30)", "用户昵称", "username"),
    ("wx_user", "openid", "varchar(64)", "", "username"),
    # phones
    ("t", "phone", "varchar(20)", "", "phone"),
    ("t", "mobile", "bigint", "", "phone"),
    ("t", "sjhm", "varchar(11)", "", "phone"),
    ("t", "sj", "varchar(11)", "", "phone"),
    ("t", "cjsj", "datetime", "", None),               # chuangjian shijian: a time
    ("t", "sj", "datetime", "", None),                 # shijian, not shouji
    ("t", "lxdh", "varchar(20)", "", "phone"),
    ("t", "tel", "varchar(20)", "", "phone"),
    ("t", "phoneNumber", "varchar(20)", "", "phone"),
    ("t", "phone_count", "int", "", None),
    ("t", "phone_verified", "tinyint(1)", "", None),
    ("t", "has_phone", "tinyint(1)", "", None),
    ("t", "phone_model", "varchar(50)", "", None),
    ("t", "mobile_app_version", "varchar(20)", "", None),
    ("t", "contact", "varchar(20)", "联系电话", "phone"),
    ("t", "f1", "varchar(20)", "手机号码归属地", None),
    # e-mail
    ("t", "email", "varchar(100)", "", "email"),
    ("t", "e_mail", "varchar(100)", "", "email"),
    ("t", "EmailAddress", "varchar(100)", "", "email"),
    ("t", "yx", "varchar(100)", "", "email"),
    ("t", "email_verified", "boolean", "", None),
    ("t", "email_verified_at", "timestamp", "", None),
    ("t", "is_email_notify", "tinyint(1)", "", None),
    ("t", "email_num", "int", "", None),
    ("t", "mail_server", "varchar(100)", "", None),
    ("t", "col_b", "varchar(100)", "E-mail address", "email"),
    # national ID numbers
    ("t", "sfzh", "varchar(18)", "", "national_id"),
    ("t", "sfz", "varchar(18)", "", "national_id"),
    ("t", "zjhm", "varchar(18)", "", "national_id"),
    ("t", "shenfenzheng", "varchar(18)", "", "national_id"),
    ("t", "id_card", "varchar(18)", "", "national_id"),
    ("t", "IDCardNo", "varchar(18)", "", "national_id"),
    ("t", "id_no", "varchar(18)", "", "national_id"),
    ("t", "passport_no", "varchar(18)", "", "national_id"),
    ("t", "remark", "varchar(200)", "身份证号", "national_id"),  # the comment beats the name
    ("t", "身份证号码", "varchar(18)", "", "national_id"),
    ("orders", "customer_id", "bigint", "", None),            # a foreign key, not an ID number
    ("orders", "customer_id", "varchar(32)", "", None),
    ("t", "id_card_type", "varchar(2)", "证件类型", None),
    # bank cards
    ("t", "card_no", "varchar(19)", "", "bank_card"),
    ("t", "yhkh", "varchar(19)", "", "bank_card"),
    ("t", "bank_account", "varchar(30)", "", "bank_card"),
    ("t", "iban", "varchar(34)", "", "bank_card"),
    ("t", "f2", "varchar(30)", "银行卡号", "bank_card"),
    # addresses and postal codes
    ("customer", "address", "varchar(200)", "", "address"),
    ("t", "dz", "varchar(200)", "", "address"),
    ("t", "home_address", "varchar(200)", "", "address"),
    ("t", "address_type", "varchar(10)", "", None),
    ("company", "address", "varchar(200)", "", None),
    ("t", "company_address", "varchar(200)", "", None),
    ("t", "f3", "varchar(200)", "文件地址", None),
    ("t", "f4", "varchar(200)", "家庭住址", "address"),
    ("Customer", "City", "varchar(40)", "", "address"),
    ("city", "city", "varchar(40)", "", None),
    ("t", "zip_code", "varchar(10)", "", "postal_code"),
    ("t", "youbian", "varchar(6)", "", "postal_code"),
    # dates of birth, gender
    ("t", "birthday", "date", "", "birth_date"),
    ("t", "dob", "date", "", "birth_date"),
    ("t", "csrq", "varchar(8)", "", "birth_date"),
    ("Employee", "BirthDate", "datetime", "", "birth_date"),
    ("t", "created_at", "timestamp", "", None),
    ("t", "sex", "char(1)", "", "gender"),
    ("t", "gender", "tinyint", "", "gender"),
    ("t", "xb", "char(1)", "", "gender"),
    ("t", "sex_ratio", "decimal(5,2)", "", None),
    ("sys_user", "sex", "char(1)", "用户性别（0男 1女 2未知）", "gender"),
    # network, devices, location
    ("t", "login_ip", "varchar(128)", "", "ip_address"),
    ("t", "ipAddress", "varchar(45)", "", "ip_address"),
    ("t", "oper_ip", "varchar(128)", "主机地址", "ip_address"),
    ("t", "ip_whitelist", "varchar(500)", "", None),
    ("t", "last_login_time", "datetime", "最后登录时间", None),
    ("t", "imei", "varchar(20)", "", "device_id"),
    ("t", "mac_address", "varchar(17)", "", "device_id"),
    ("t", "device_id", "bigint", "", None),
    ("t", "latitude", "decimal(10,6)", "", "precise_location"),
    ("shop", "latitude", "decimal(10,6)", "", None),
    ("t", "f5", "varchar(50)", "经纬度", "precise_location"),
    # sensitive categories
    ("t", "fingerprint", "blob", "", "biometric"),
    ("t", "face_feature", "blob", "", "biometric"),
    ("coupon", "face_value", "decimal(10,2)", "", None),
    ("t", "diagnosis", "text", "", "health"),
    ("t", "f6", "text", "过敏史", "health"),
    ("t", "password", "varchar(100)", "", "credential"),
    ("t", "pwd", "varchar(64)", "", "credential"),
    ("t", "mima", "varchar(64)", "", "credential"),
    ("t", "api_key", "varchar(64)", "", "credential"),
    ("t", "password_hash", "varchar(255)", "", "credential"),
    ("t", "pwd_update_date", "datetime", "密码最后更新时间", None),
    ("t", "password_expire_days", "int", "", None),
    ("t", "token_type", "varchar(20)", "", None),
    ("address", "district", "varchar(20)", "", "address"),     # coarse part, in an address record
    ("t", "district", "varchar(20)", "", None),
    ("t", "operator_type", "int(1)", "操作类别（0其它 1后台用户 2手机端用户）", None),  # codes, not a phone
    ("t", "f7", "varchar(20)", "手机号（必填）", "phone"),
    ("t", "login_location", "varchar(255)", "", "location"),
    ("t", "f8", "varchar(255)", "登录地点", "location"),
    ("online", "session_id", "varchar(64)", "", "credential"),
    ("online", "session_id", "bigint", "", None),            # a foreign key
    ("t", "log_msg", "varchar(500)", "提示消息", None),
    # photos and free text
    ("staff", "picture", "blob", "", "photo"),
    ("sys_user", "avatar", "varchar(100)", "头像地址", "photo"),
    ("goods", "goods_photo", "varchar(200)", "", None),
    ("customer", "remark", "varchar(500)", "备注", "free_text"),
    ("sys_config", "remark", "varchar(500)", "备注", None),   # no personal data beside it
    # flags, status codes and keys are not classified
    ("sys_user", "status", "char(1)", "帐号状态（0正常 1停用）", None),
    ("t", "del_flag", "char(1)", "", None),
    ("t", "id", "bigint", "", None),
    ("t", "ref_value", "varchar(50)", "", None),
    ("t", "EmailField_col", "EmailField", "", "email"),       # the ORM type says it
]


@pytest.mark.parametrize("table, column, data_type, comment, expected", ROWS,
                         ids=[f"{r[0]}.{r[1]}:{r[3] or r[2]}" for r in ROWS])
def test_category(table, column, data_type, comment, expected):
    tag = classify(table, column, data_type, comment).pii
    assert (tag.category if tag else None) == expected


def test_enough_rows():
    assert len(ROWS) >= 80


@pytest.mark.parametrize("column, data_type, comment, confidence, source, evidence", [
    ("remark", "varchar(18)", "身份证号码", Confidence.HIGH, "comment", "comment '身份证号码'"),
    ("id_card", "varchar(18)", "", Confidence.MEDIUM, "name", "name token 'id_card'"),
    ("sfzh", "varchar(18)", "", Confidence.MEDIUM, "name", "name token 'sfzh' (pinyin: shenfenzheng hao"),
    ("sfzh", "text", "", Confidence.LOW, "name", "name token 'sfzh'"),     # type does not fit the length
    ("dz", "varchar(255)", "", Confidence.LOW, "name", "(pinyin: dizhi"),
])
def test_confidence_and_evidence(column, data_type, comment, confidence, source, evidence):
    tag = classify("t", column, data_type, comment).pii
    assert (tag.confidence, tag.source) == (confidence, source)
    assert evidence in tag.evidence


def test_tag_carries_label_and_gbt35273_sensitivity():
    tag = classify("t", "id_card", "varchar(18)").pii
    assert (tag.label, tag.sensitivity, tag.sample) == ("national ID number", Sensitivity.SENSITIVE, "")
    assert classify("t", "phone").pii.sensitivity is Sensitivity.PERSONAL


def test_sensitive_categories_are_the_gbt35273_ones():
    lex = load_lexicon()
    sensitive = {c.id for c in lex.categories.values() if c.sensitivity is Sensitivity.SENSITIVE}
    assert sensitive == {"national_id", "bank_card", "biometric", "health", "precise_location", "credential"}
    assert all(c.label_zh and c.label_en for c in lex.categories.values())


def test_person_table_from_its_chinese_comment():
    assert classify("t_kh", "name", table_comment="客户信息表").pii.category == "person_name"
    assert classify("t_kh", "name", table_comment="商品信息表").pii is None


@pytest.mark.parametrize("name, tokens", [
    ("IDCardNo", ["id", "card", "no"]),
    ("phoneNumber2", ["phone", "number", "2"]),
    ("user_name", ["user", "name"]),
    ("IPv4Addr", ["ipv4", "addr"]),
    ("passwordMd5", ["password", "md5"]),
    ("HTTPServer", ["http", "server"]),
])
def test_tokenize(name, tokens):
    assert tokenize(name, load_lexicon()["tokens.keep_alnum"]) == tokens


def test_lexicon_rejects_a_token_claimed_by_two_categories():
    import tomllib
    from importlib import resources

    data = tomllib.loads(resources.files("scanner.enrich").joinpath("pii_lexicon.toml").read_text("utf-8"))
    data["categories"]["email"]["words"].append("phone")
    with pytest.raises(ValueError, match="'phone'"):
        build_lexicon(data)


def test_thousand_columns_without_samples_are_fast():
    model = SchemaModel()
    names = ["name", "phone", "email", "id_card", "remark", "status", "created_at", "goods_name",
             "customer_id", "amount"]
    for t in range(100):
        table = model.add_table(Table(f"customer_{t}"))
        for name in names:
            table.add_column(Column(name, data_type="varchar(50)", comment="手机号码" if t % 2 else ""))
    start = time.perf_counter()
    classify_model(model)
    assert time.perf_counter() - start < 2.0  # measured ~0.15 s; generous for slow CI
