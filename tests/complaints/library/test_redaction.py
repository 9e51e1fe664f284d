"""A typical case never holds personal data: the draft has it removed, the validator refuses what remains."""

import pytest
from django.core.exceptions import ValidationError

from complaints.redaction import PersonalDataValidator, find_personal_data, redact
from tests.factories import id_card_number

ID = id_card_number(7)
TEXT = (
    f"客户张伟（身份证{ID}，户号：3300012345）反映电表走字快，电话138-1234-5678，座机0576-88123456，"
    "邮箱zw@qq.com。王先生称供电所李明态度恶劣，该先生要求赔偿。信用代码91330000MA2AB1234X。工单2026010199999999"
)


def test_the_draft_has_names_numbers_and_addresses_removed() -> None:
    clean = redact(TEXT, names=["张伟"])
    for personal in (
        "张伟",
        ID,
        "3300012345",
        "138-1234-5678",
        "0576-88123456",
        "zw@qq.com",
        "王先生",
        "李明",
        "91330000MA2AB1234X",
    ):
        assert personal not in clean
    assert "某先生称供电所某某态度恶劣" in clean and "户号***" in clean
    # What is not personal stays: the work order number, 该先生, the story.
    assert "2026010199999999" in clean and "该先生" in clean and "电表走字快" in clean
    assert find_personal_data(clean) == []


def test_each_kind_of_personal_data_is_found() -> None:
    kinds = {finding.kind for finding in find_personal_data(TEXT, names=["张伟"])}
    assert kinds == {"identity", "account", "phone", "email", "name"}


def test_a_number_that_only_looks_like_an_id_card_is_not_one() -> None:
    wrong_check = ID[:17] + ("0" if ID[17] != "0" else "1")
    assert [f.kind for f in find_personal_data(f"编号{wrong_check}")] == []


def test_ordinary_text_passes() -> None:
    text = "张家港供电所于3月5日完成台区改造，电压合格率提升至99.9%，电费1200元已退还。工单2026010199999999。"
    assert find_personal_data(text) == []
    PersonalDataValidator(["张伟"])(text)


@pytest.mark.parametrize(
    "text",
    ["请联系13812345678", "客户张伟不满", "户号3300012345", "户号：123456", f"身份证号{ID.lower()}", "陈女士来电"],
)
def test_the_validator_refuses_personal_data(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        PersonalDataValidator(["张伟"])(text)
    assert refused.value.code == "personal_data"
