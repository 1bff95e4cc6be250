"""scanner.parsers.orm: Django, SQLAlchemy, Flask-SQLAlchemy and Alembic sources -> SchemaModel."""

from __future__ import annotations

import pytest

from scanner.parsers import ParseError
from scanner.parsers.orm import hint_for, hint_meaning, parse_orm
from scanner.parsers.source import InputSource

DJ = "from django.db import models\n"
SA = "from sqlalchemy import Column, Integer, String\nfrom sqlalchemy.orm import DeclarativeBase\n"
MIG = "from django.db import migrations, models\n"
OP = "import sqlalchemy as sa\nfrom alembic import op\n"


def parse(src: str):
    return parse_orm(InputSource(path="m.py", kind="python", _text=src))


def columns(src: str) -> dict[str, list[tuple]]:
    """table -> [(column, data_type, comment)] in declared order."""
    return {t.qualified_name: [(c.name, c.data_type, c.comment) for c in t.columns.values()]
            for t in parse(src).tables.values()}


def column(src: str, table: str, name: str):
    return parse(src).find_table(table).get_column(name)


# -- Django models ---------------------------------------------------------------------------------
@pytest.mark.parametrize("src, expected", [
    # verbose_name positional or keyword, help_text, db_comment joined; data_type keeps max_length
    (DJ + "class Customer(models.Model):\n"
          "    name = models.CharField('姓名', max_length=50)\n"
          "    id_card = models.CharField(verbose_name='身份证号码', max_length=18, help_text='18位')\n"
          "    age = models.IntegerField(db_comment='年龄')\n"
          "    price = models.DecimalField(max_digits=10, decimal_places=2)\n",
     {"customer": [("name", "CharField(50)", "姓名"), ("id_card", "CharField(18)", "身份证号码 / 18位"),
                   ("age", "IntegerField", "年龄"), ("price", "DecimalField(10,2)", "")]}),
    # an aliased import, gettext labels, db_table, db_column, a relation's *_id column, no M2M
    ("from django.db import models as m\nfrom django.utils.translation import gettext_lazy as _\n"
     "class Customer(m.Model):\n"
     "    phone = m.CharField(_('手机号'), max_length=11, db_column='mobile')\n"
     "    owner = m.ForeignKey('auth.User', on_delete=m.CASCADE, verbose_name='负责人')\n"
     "    tags = m.ManyToManyField('Tag')\n"
     "    objects = m.Manager()\n"
     "    class Meta:\n        db_table = 'crm_customer'\n        verbose_name = '客户'\n",
     {"crm_customer": [("mobile", "CharField(11)", "手机号"), ("owner_id", "ForeignKey", "负责人")]}),
    # abstract base (through two levels) contributes fields and has no table; override by name
    (DJ + "class Base(models.Model):\n    created = models.DateTimeField()\n"
          "    note = models.TextField()\n    class Meta:\n        abstract = True\n"
          "class Stamped(Base):\n    class Meta:\n        abstract = True\n"
          "class Order(Stamped):\n    note = models.CharField('备注', max_length=9)\n",
     {"order": [("created", "DateTimeField", ""), ("note", "CharField(9)", "备注")]}),
    # a concrete parent keeps its own table (multi-table inheritance); proxies add none
    (DJ + "class Place(models.Model):\n    address = models.CharField(max_length=80)\n"
          "class Shop(Place):\n    name = models.CharField(max_length=20)\n"
          "class ShopProxy(Shop):\n    class Meta:\n        proxy = True\n",
     {"place": [("address", "CharField(80)", "")], "shop": [("name", "CharField(20)", "")]}),
    # a base imported from elsewhere: fields of django.db.models still make it a model
    (DJ + "from core.models import BaseModel\n"
          "class Ticket(BaseModel):\n    title = models.CharField(max_length=20)\n",
     {"ticket": [("title", "CharField(20)", "")]}),
    # not models: a form, a plain class
    ("from django import forms\nclass F(forms.Form):\n    name = forms.CharField()\n"
     "class P:\n    x = 1\n", {}),
])
def test_django_models(src, expected):
    assert columns(src) == expected


def test_django_field_facts_and_location():
    src = (DJ + "class Customer(models.Model):\n"
                "    code = models.CharField(primary_key=True, max_length=8)\n"
                "    birth = models.DateField(\n        null=True, default=None)\n"
                "    level = models.IntegerField(default=LEVEL_ONE)\n"
                "    deleted = models.BooleanField(null=FLAG)\n")
    model = parse(src)
    assert model.source == "orm" and model.dialect == ""
    table = model.find_table("customer")
    assert (table.kind, table.location.line, table.location.path) == ("model", 2, "m.py")
    code, birth, level, deleted = table.columns.values()
    assert (code.primary_key, code.nullable, code.location.line, code.location.column) == (True, False, 3, 5)
    assert (birth.nullable, birth.default, birth.location.line, birth.location.end_line) == (True, "None", 4, 5)
    assert level.default == "LEVEL_ONE" and deleted.nullable is None
    assert code.location.object is None


def test_abstract_user_brings_djangos_columns_at_the_base_class():
    src = ("from django.contrib.auth.models import AbstractUser\nfrom django.db import models\n"
           "class User(AbstractUser):\n    username = None\n"
           "    email = models.EmailField('邮箱', unique=True)\n"
           "    phone = models.CharField('手机号', max_length=11)\n")
    table = parse(src).find_table("user")
    # username removed; email redefined in the class but kept in its inherited place
    assert list(table.columns) == ["password", "last_login", "is_superuser", "first_name",
                                   "last_name", "email", "is_staff", "is_active", "date_joined",
                                   "phone"]
    password = table.get_column("password")
    assert password.protection_hints == ["framework:django-password"]
    assert (password.location.line, password.location.column) == (3, 12)  # `AbstractUser`
    assert table.get_column("first_name").comment == "first name"
    assert table.get_column("email").location.line == 5  # overridden in the class


def test_abstract_base_user_gives_password_and_last_login():
    src = ("from django.contrib.auth.base_user import AbstractBaseUser as ABU\nfrom django.db import models\n"
           "class Member(ABU):\n    mobile = models.CharField(max_length=11)\n")
    assert [c[0] for c in columns(src)["member"]] == ["password", "last_login", "mobile"]


@pytest.mark.parametrize("field, data_type, hints", [
    ("encrypt(models.CharField('身份证号码', max_length=18))", "CharField(18)", ["orm:encrypt"]),
    ("EncryptedCharField(max_length=19)", "EncryptedCharField(19)", ["orm:EncryptedCharField"]),
    ("EncryptedTextField()", "EncryptedTextField", ["orm:EncryptedTextField"]),
    ("EncryptedEmailField()", "EncryptedEmailField", ["orm:EncryptedEmailField"]),
    ("TextPGPSymmetricKeyField()", "TextPGPSymmetricKeyField", ["orm:TextPGPSymmetricKeyField"]),
    ("EmailPGPPublicKeyField()", "EmailPGPPublicKeyField", ["orm:EmailPGPPublicKeyField"]),
    ("TextHMACField()", "TextHMACField", ["orm:TextHMACField"]),
    ("models.BinaryField()", "BinaryField", ["orm:binary"]),
    ("models.CharField(max_length=19)", "CharField(19)", []),
])
def test_django_encrypted_field_hints(field, data_type, hints):
    src = (DJ + "from django_cryptography.fields import encrypt\n"
                "from fernet_fields import EncryptedCharField, EncryptedTextField\n"
                "from encrypted_model_fields.fields import EncryptedEmailField\n"
                "from pgcrypto.fields import TextPGPSymmetricKeyField, EmailPGPPublicKeyField, TextHMACField\n"
                f"class Customer(models.Model):\n    secret = {field}\n")
    col = column(src, "customer", "secret")
    assert (col.data_type, col.protection_hints) == (data_type, hints)


def test_aliased_encrypted_field_resolves_through_its_import():
    src = (DJ + "from mirage.fields import EncryptedCharField as Enc\n"
                "class Customer(models.Model):\n    card = Enc(max_length=19)\n")
    assert column(src, "customer", "card").protection_hints == ["orm:EncryptedCharField"]


# -- Django migrations -----------------------------------------------------------------------------
CREATE = (MIG + "class Migration(migrations.Migration):\n    operations = [\n"
          "        migrations.CreateModel(\n            name='Customer',\n            fields=[\n"
          "                ('id', models.BigAutoField(primary_key=True, serialize=False)),\n"
          "                ('name', models.CharField(max_length=50, verbose_name='姓名')),\n"
          "                ('owner', models.ForeignKey(on_delete=models.CASCADE, to='auth.user')),\n"
          "            ],\n            options={'db_table': 'crm_customer', 'verbose_name': '客户'},\n"
          "        ),\n")


@pytest.mark.parametrize("ops, expected", [
    ("", {"crm_customer": [("id", "BigAutoField", ""), ("name", "CharField(50)", "姓名"),
                           ("owner_id", "ForeignKey", "")]}),
    ("migrations.AddField(model_name='customer', name='id_card',"
     " field=models.CharField(max_length=18, verbose_name='身份证号码')),",
     {"crm_customer": [("id", "BigAutoField", ""), ("name", "CharField(50)", "姓名"),
                       ("owner_id", "ForeignKey", ""), ("id_card", "CharField(18)", "身份证号码")]}),
    ("migrations.AlterField('customer', 'name', models.CharField(max_length=80)),",
     {"crm_customer": [("id", "BigAutoField", ""), ("name", "CharField(80)", ""),
                       ("owner_id", "ForeignKey", "")]}),
    ("migrations.RenameField(model_name='customer', old_name='owner', new_name='manager'),"
     "migrations.RenameField(model_name='customer', old_name='name', new_name='full_name'),",
     {"crm_customer": [("id", "BigAutoField", ""), ("full_name", "CharField(50)", "姓名"),
                       ("manager_id", "ForeignKey", "")]}),
    ("migrations.RemoveField(model_name='customer', name='owner'),"
     "migrations.RemoveField(model_name='customer', name='name'),",
     {"crm_customer": [("id", "BigAutoField", "")]}),
    ("migrations.AlterModelTable(name='customer', table='crm_client'),",
     {"crm_client": [("id", "BigAutoField", ""), ("name", "CharField(50)", "姓名"),
                     ("owner_id", "ForeignKey", "")]}),
    ("migrations.DeleteModel(name='Customer'),", {}),
    # a model created by an earlier migration is stubbed, named after the model
    ("migrations.AddField(model_name='order', name='receiver', field=models.CharField(max_length=20)),",
     {"crm_customer": [("id", "BigAutoField", ""), ("name", "CharField(50)", "姓名"),
                       ("owner_id", "ForeignKey", "")], "order": [("receiver", "CharField(20)", "")]}),
])
def test_django_migration_operations(ops, expected):
    assert columns(CREATE + "        " + ops + "\n    ]\n") == expected


def test_migration_locations_and_options():
    model = parse(CREATE + "        migrations.AddField(\n            model_name='customer',\n"
                           "            name='phone',\n"
                           "            field=models.CharField(max_length=11),\n        ),\n    ]\n")
    table = model.find_table("crm_customer")
    assert (table.kind, table.comment, table.location.line) == ("model", "客户", 4)
    assert table.get_column("name").location.line == 8  # the field's own tuple
    assert table.get_column("phone").location.line == 15  # name= of the AddField


def test_migrated_custom_user_password_is_djangos_hash():
    src = (MIG + "ops = [migrations.CreateModel(name='User', fields=[\n"
                 "    ('password', models.CharField(max_length=128, verbose_name='password')),\n"
                 "    ('last_login', models.DateTimeField(null=True)),\n"
                 "], options={'abstract': False})]\n"
                 "other = [migrations.CreateModel(name='Vault', fields=[\n"
                 "    ('password', models.CharField(max_length=128)),\n])]\n")
    model = parse(src)
    assert model.find_table("user").get_column("password").protection_hints == ["framework:django-password"]
    assert model.find_table("vault").get_column("password").protection_hints == []


# -- SQLAlchemy ------------------------------------------------------------------------------------
@pytest.mark.parametrize("src, expected", [
    # classic Column style; name from the first positional string; comment/doc/info labels
    (SA + "class Base(DeclarativeBase): pass\n"
          "class Customer(Base):\n    __tablename__ = 'customer'\n"
          "    id = Column(Integer, primary_key=True)\n"
          "    full_name = Column('name', String(64), comment='姓名', doc='全名', info={'label': 'n'})\n"
          "    phone = Column(String(length=20))\n",
     {"customer": [("id", "Integer", ""), ("name", "String(64)", "姓名 / 全名 / n"),
                   ("phone", "String(20)", "")]}),
    # 2.0 style: type from mapped_column's argument, else from the Mapped annotation
    ("from typing import Optional\nfrom sqlalchemy import String, ForeignKey\n"
     "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n"
     "class Base(DeclarativeBase): pass\n"
     "class Account(Base):\n    __tablename__ = 'account'\n"
     "    id: Mapped[int] = mapped_column(primary_key=True)\n"
     "    card_no: Mapped[str] = mapped_column(String(19), comment='银行卡号')\n"
     "    owner_id: Mapped[int] = mapped_column(ForeignKey('customer.id'))\n"
     "    email: Mapped[Optional[str]]\n"
     "    nick: Mapped[str | None] = mapped_column()\n",
     {"account": [("id", "int", ""), ("card_no", "String(19)", "银行卡号"), ("owner_id", "int", ""),
                  ("email", "str", ""), ("nick", "str", "")]}),
    # mixins and __abstract__ classes give their columns; schema and comment from __table_args__
    (SA + "class Base(DeclarativeBase): pass\n"
          "class Stamp:\n    created = Column(Integer)\n"
          "class Abstract(Base):\n    __abstract__ = True\n    note = Column(String(9))\n"
          "class Order(Stamp, Abstract):\n    __tablename__ = 'order'\n"
          "    __table_args__ = (object(), {'schema': 'shop', 'comment': '订单'})\n"
          "    id = Column(Integer, primary_key=True)\n",
     {"shop.order": [("note", "String(9)", ""), ("created", "Integer", ""), ("id", "Integer", "")]}),
    # joined inheritance keeps the parent's columns apart; single-table adds to the parent's
    (SA + "class Base(DeclarativeBase): pass\n"
          "class Employee(Base):\n    __tablename__ = 'employee'\n    id = Column(Integer, primary_key=True)\n"
          "class Manager(Employee):\n    __tablename__ = 'manager'\n    id = Column(Integer, primary_key=True)\n"
          "class Engineer(Employee):\n    skill = Column(String(20))\n",
     {"employee": [("id", "Integer", ""), ("skill", "String(20)", "")],
      "manager": [("id", "Integer", "")]}),
    # Table(), with db.Table (Flask) needing no metadata; another library's Table is not one
    ("from sqlalchemy import Table, Column, String, MetaData\nfrom app import db\nmd = MetaData()\n"
     "t = Table('order_item', md, Column('receiver', String(64), comment='收货人'), schema='s')\n"
     "tags = db.Table('post_tags', db.Column('tag_id', db.Integer))\n"
     "from rich.table import Table as RichTable\nRichTable('Results')\n",
     {"s.order_item": [("receiver", "String(64)", "收货人")], "post_tags": [("tag_id", "Integer", "")]}),
    # Flask-SQLAlchemy: db.Model, db.Column(db.String(64)), the table named after the class
    ("from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n"
     "class UserAddress(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
     "    phone = db.Column(db.String(64), comment='手机号')\n"
     "class Named(db.Model):\n    __tablename__ = 'named'\n    id = db.Column(db.Integer, primary_key=True)\n",
     {"user_address": [("id", "Integer", ""), ("phone", "String(64)", "手机号")],
      "named": [("id", "Integer", "")]}),
])
def test_sqlalchemy(src, expected):
    assert columns(src) == expected


@pytest.mark.parametrize("type_src, data_type, hints", [
    ("EncryptedType(String(18), KEY, AesEngine, 'pkcs5')", "EncryptedType(String(18))",
     ["orm:EncryptedType", "orm:AesEngine"]),
    ("StringEncryptedType(sa.Unicode, KEY, engine=AesGcmEngine)", "StringEncryptedType(Unicode)",
     ["orm:StringEncryptedType", "orm:AesGcmEngine"]),
    ("PasswordType(schemes=['pbkdf2_sha512'])", "PasswordType", ["orm:PasswordType"]),
    ("sa.LargeBinary", "LargeBinary", ["orm:binary"]),
    ("sa.Numeric(10, 2)", "Numeric(10,2)", []),
])
def test_sqlalchemy_type_hints(type_src, data_type, hints):
    src = ("import sqlalchemy as sa\nfrom sqlalchemy_utils import EncryptedType, StringEncryptedType, PasswordType\n"
           "from sqlalchemy_utils.types.encrypted.encrypted_type import AesEngine, AesGcmEngine\n"
           f"class Customer(Base):\n    __tablename__ = 'customer'\n    secret = sa.Column({type_src})\n")
    col = column(src, "customer", "secret")
    assert (col.data_type, col.protection_hints) == (data_type, hints)


def test_sqlalchemy_nullability_and_locations():
    src = ("from typing import Optional\nimport sqlalchemy as sa\nfrom sqlalchemy.orm import Mapped, mapped_column\n"
           "class Customer(Base):\n    __tablename__ = 'customer'\n"
           "    id = sa.Column(sa.Integer, primary_key=True)\n"
           "    a = sa.Column(sa.String(5))\n"
           "    b: Mapped[str] = mapped_column(sa.String(5))\n"
           "    c: Mapped[Optional[str]] = mapped_column(\n        sa.String(5), default='x')\n"
           "    d = sa.Column(sa.String(5), nullable=False, server_default=sa.text('1'))\n")
    table = parse(src).find_table("customer")
    assert [(c.name, c.nullable, c.primary_key) for c in table.columns.values()] == [
        ("id", False, True), ("a", True, False), ("b", False, False), ("c", True, False), ("d", False, False)]
    assert (table.get_column("c").location.line, table.get_column("c").location.end_line) == (9, 10)
    assert table.get_column("c").default == "'x'" and table.get_column("d").default == "sa.text('1')"
    assert (table.kind, table.location.line) == ("model", 4)


# -- Alembic ---------------------------------------------------------------------------------------
ALEMBIC = (OP + "def upgrade():\n    op.create_table(\n        'customer',\n"
           "        sa.Column('id', sa.Integer(), nullable=False),\n"
           "        sa.Column('phone', sa.String(length=20), comment='手机号'),\n"
           "        sa.Column('email', sa.String(120)),\n"
           "        sa.PrimaryKeyConstraint('id'),\n        comment='顾客',\n    )\n")


@pytest.mark.parametrize("ops, expected", [
    ("", {"customer": [("id", "Integer", ""), ("phone", "String(20)", "手机号"),
                       ("email", "String(120)", "")]}),
    ("op.add_column('customer', sa.Column('card_no', sa.String(19), comment='银行卡号'))\n"
     "    op.drop_column('customer', 'email')\n",
     {"customer": [("id", "Integer", ""), ("phone", "String(20)", "手机号"),
                   ("card_no", "String(19)", "银行卡号")]}),
    ("op.alter_column('customer', 'email', new_column_name='mail', type_=sa.String(200), comment='邮箱')\n",
     {"customer": [("id", "Integer", ""), ("phone", "String(20)", "手机号"),
                   ("mail", "String(200)", "邮箱")]}),
    # another revision's table: stubbed only when a column is defined here
    ("op.alter_column('account', 'id_no', type_=sa.String(18))\n"
     "    op.alter_column('account', 'other', nullable=True)\n    op.drop_column('legacy', 'x')\n",
     {"customer": [("id", "Integer", ""), ("phone", "String(20)", "手机号"), ("email", "String(120)", "")],
      "account": [("id_no", "String(18)", "")]}),
    ("with op.batch_alter_table('customer', schema=None) as batch_op:\n"
     "        batch_op.add_column(sa.Column('addr', sa.String(200)))\n"
     "        batch_op.drop_column('phone')\n",
     {"customer": [("id", "Integer", ""), ("email", "String(120)", ""), ("addr", "String(200)", "")]}),
    ("op.rename_table('customer', 'client')\n",
     {"client": [("id", "Integer", ""), ("phone", "String(20)", "手机号"), ("email", "String(120)", "")]}),
    ("op.drop_table('customer')\n", {}),
])
def test_alembic_operations(ops, expected):
    assert columns(ALEMBIC + ("    " + ops if ops else "") + "def downgrade():\n    op.drop_table('customer')\n") == expected


def test_alembic_table_facts():
    table = parse(ALEMBIC).find_table("customer")
    assert (table.kind, table.comment, table.location.line) == ("table", "顾客", 4)
    assert table.get_column("id").primary_key is True  # from PrimaryKeyConstraint
    assert (table.get_column("phone").location.line, table.get_column("phone").location.column) == (7, 9)


# -- the cheap path, errors, data --------------------------------------------------------------------
def test_a_file_without_markers_is_not_parsed():
    def refuse(name):
        raise AssertionError(f"built the {name} model")

    source = InputSource(path="m.py", kind="python", _text="import os\nprint(os.sep)\n", _model=refuse)
    model = parse_orm(source)
    assert (model.tables, model.source) == ({}, "orm")


def test_syntax_errors_propagate_for_the_engine_to_record():
    with pytest.raises(ParseError):
        parse("from django.db import models\nclass A(models.Model:\n")


@pytest.mark.parametrize("src", [
    "from django.db import models\nmodels.CharField()\nclass A(models.Model):\n    x = models.CharField(*a, **k)\n",
    "import sqlalchemy as sa\nsa.Column()\nclass A:\n    __tablename__ = NAME\n    x = sa.Column(sa.String(*n))\n",
    "from alembic import op\nop.create_table()\nop.add_column('t')\nop.alter_column()\n",
    "from django.db import migrations\nmigrations.CreateModel()\nmigrations.AddField('m')\n",
    "class A(B):\n    class Meta(A): pass\nclass B(A):\n    x = models.CharField()\n",
])
def test_unrecognised_or_odd_code_is_ignored_quietly(src):
    parse(src)


def test_hint_table():
    assert hint_for("EncryptedType") == "orm:EncryptedType"
    assert hint_for("EncryptedSomethingField") == "orm:EncryptedSomethingField"
    assert hint_for("LargeBinary") == "orm:binary"
    assert hint_for("CharField") is None
    assert [hint_meaning(h) for h in ("orm:PasswordType", "orm:TextHMACField", "orm:encrypt",
                                      "orm:EncryptedFooField", "orm:binary",
                                      "framework:django-password")] == [
        "hashed", "hashed", "encrypted", "encrypted", "binary", None]
