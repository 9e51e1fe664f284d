"""A year of analysis meetings, improvement actions and the typical-case library for `manage.py seed_demo`.

Runs after the demo complaints (portal.demo_complaints). Every unit with a department manager held its monthly
analysis meeting in the first week of the next month, with minutes and one to three improvement actions linked
to that month's complaints of its area; the older actions are done with their evidence, a few are overdue (the
hourly beat warns their owners and managers). Last month's meeting is still a draft, as the beat task opens it:
the README walk starts there. From closed complaints, handlers wrote typical cases (hand-written below, no
personal data), managers published them and assigned them for study to branches and roles; about two thirds
of the staff reached have read each, with their takeaway. Deterministic from the seed, bulk-inserted.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, Role, User
from complaints import cases as case_rules
from complaints.figures import refresh_complaint_figures
from complaints.meeting_actions import meeting_departments
from complaints.models import (
    COMPLAINT,
    ActionStatus,
    AnalysisMeeting,
    CaseStatus,
    Complaint,
    ComplaintCategory,
    ImprovementAction,
    MeetingStatus,
    StudyAssignment,
    StudyRecord,
    TypicalCase,
)
from complaints.models.meetings import month_end
from services import textsearch
from services.models import Status

MONTHS = 12
ACTIONS = (
    ("对重载台区开展迎峰度夏专项排查，制定负荷调整方案", "排查重载台区23个，完成三相负荷调整17个，增容立项6个。"),
    ("组织抄表催费人员服务规范培训", "已组织2期培训，共46人参加，考试合格率100%，签到表已存档。"),
    ("计划停电信息提前7天通过短信、社区群和公告栏三渠道告知", "已修订停电告知流程，本月计划停电告知到户率100%。"),
    ("对频繁停电线路开展隐患排查与树障清理", "清理树障1.2公里，更换老旧绝缘子36只，线路跳闸次数环比下降。"),
    ("营业厅增设业务咨询引导岗，高峰时段增开窗口", "已在两个营业厅设引导岗，高峰平均等候时间由18分钟降至9分钟。"),
    ("电能表校验结果当场向客户解释并出具书面报告", "已制定校验结果告知模板，本月校验12户均当场解释。"),
    ("施工现场设置警示围挡并公示联系人", "现场检查8处施工点，围挡与公示牌均已到位。"),
    ("梳理阶梯电价政策解释口径，统一客服话术", "话术已更新至知识库，95598与营业厅同步使用。"),
)
CONCLUSIONS = (
    "本月投诉以供电质量类为主，集中在城郊重载台区，夏季空调负荷上升是主因。会议要求各供电所对重载台区逐一排查，"
    "做到早发现、早调整；对重复投诉客户逐户回访，确保问题闭环。",
    "营业类投诉中抄表催费问题较上月增加，暴露出服务规范执行不到位。会议要求加强一线人员培训，"
    "催费必须先电话告知、再书面通知，严禁态度生硬。",
    "停送电类投诉反映计划停电告知不到位。会议明确停电信息须提前7天多渠道告知，并在停电前一天再次提醒。",
    "本月投诉总量环比下降，超时限投诉2件，均因跨部门协调不畅。会议要求责任部门24小时内响应转办工单，客服中心每日跟踪。",
)

# Typical cases: (category code, characteristic, title, situation, cause, what was done, lesson).
CASES = (
    (
        "quality_voltage",
        "safety",
        "迎峰度夏台区低电压导致空调无法启动",
        "七月晚高峰，城郊某小区多户居民反映电压偏低，空调频繁停机，多次致电95598。",
        "台区变压器容量不足，三相负荷严重不平衡，低压线路供电半径过长。",
        "当晚调整三相负荷，一周内加装一台变压器并切改部分用户，向客户说明整改进度并逐户回访。",
        "迎峰度夏前应对重载台区逐一排查，提前调整负荷、落实增容，不能等投诉发生后再处理。",
    ),
    (
        "quality_frequent_outage",
        "timeliness",
        "同一线路一个月内三次故障停电",
        "某村居民反映一个月内停电三次，家中冰箱食物变质，情绪激动。",
        "线路树障未及时清理，雷雨天气导致多次跳闸，隐患排查流于形式。",
        "组织专项树障清理，更换老旧绝缘子，向客户致歉并解释原因。",
        "隐患排查要落到实处，对频繁停电线路建立台账，按周跟踪直至消缺。",
    ),
    (
        "business_metering",
        "accuracy",
        "客户怀疑电表走字快的处理",
        "客户反映本月电费比上月高出一倍，怀疑电表走字过快，要求校验。",
        "经现场校验电表误差合格，电量上升系新购电暖器长时间使用所致。",
        "当场向客户出具校验报告，逐项解释用电量构成，并提供节约用电建议。",
        "电表校验结果要当场讲清楚、写明白，帮助客户分析用电情况，比单纯出具结论更能化解疑虑。",
    ),
    (
        "business_tariff",
        "reasonableness",
        "阶梯电价解释不清引发的投诉",
        "客户对年度阶梯电价结算有异议，认为多收了电费，营业厅两次解释未能说服客户。",
        "一线人员对阶梯电价年度累计规则理解不一，解释口径不统一。",
        "由业务骨干上门，用客户全年电量逐月演示计算过程，客户表示理解。",
        "政策解释要统一口径、用客户自己的数据讲清楚，必要时上门沟通。",
    ),
    (
        "business_reading",
        "courtesy",
        "催费人员态度生硬引发投诉",
        "客户反映催费人员上门时语气生硬，并在门口大声催促，令其感到难堪。",
        "个别人员服务意识淡薄，未按催费规范先电话告知、再书面通知。",
        "向客户当面道歉，对当事人进行批评教育和考核，重新培训催费规范。",
        "催费是服务不是催债，必须按规范流程文明告知，尊重客户隐私。",
    ),
    (
        "outage_notice",
        "timeliness",
        "计划停电未提前告知到户",
        "某商铺反映停电前未收到任何通知，导致冷柜商品损失。",
        "停电公告仅在小区公告栏张贴，未通过短信等渠道告知商户。",
        "向商户说明情况并协助其申请损失核实，修订停电告知流程。",
        "计划停电须多渠道提前告知，并对重要客户和商户逐户电话确认。",
    ),
    (
        "outage_repair",
        "timeliness",
        "夜间故障抢修超时到达",
        "客户夜间报修后等待近两小时抢修人员才到达，多次催办。",
        "抢修班组同时处理多起故障，调度未及时调配相邻班组支援。",
        "完善夜间抢修调度机制，故障集中时由调度统一调配支援力量。",
        "抢修到达时限是对客户的承诺，故障集中时要主动协调支援，并及时告知客户预计到达时间。",
    ),
    (
        "service_attitude",
        "courtesy",
        "营业厅业务办理中的沟通失误",
        "客户在营业厅办理过户业务，因资料不全被要求重新排队，认为工作人员不耐烦。",
        "受理人员未一次性告知所需资料，解释时缺乏耐心。",
        "由营业厅负责人向客户致歉，安排专人协助当场补齐资料办结业务。",
        "业务办理要一次性告知、一站式办结，多替客户想一步。",
    ),
    (
        "service_hall",
        "convenience",
        "营业厅高峰时段排队时间过长",
        "月初缴费高峰，客户在营业厅排队超过四十分钟，现场多人不满。",
        "高峰时段窗口开放不足，自助缴费终端引导不到位。",
        "高峰时段增开窗口，设引导岗引导客户使用自助终端和线上缴费。",
        "要根据客流规律动态安排窗口，把客户引导到更便捷的渠道。",
    ),
    (
        "business_connection",
        "functionality",
        "新装用电超时限办理",
        "某小微企业申请新装用电，超过承诺时限仍未接电，影响开业。",
        "设计与施工环节衔接不畅，工程进度无人跟踪。",
        "成立专班跟踪，三天内完成接电，并向客户说明延误原因。",
        "业扩报装各环节要全程跟踪时限，临近超时要主动预警、主动告知客户。",
    ),
    (
        "construction_conduct",
        "legality",
        "电力施工损坏客户道路未修复",
        "客户反映电缆施工后路面未恢复，雨天积水影响出行。",
        "施工单位完工后未按要求恢复路面，验收把关不严。",
        "责令施工单位限期修复路面，完善施工验收中的现场恢复项。",
        "施工完成不等于工程完成，现场恢复必须纳入验收，并回访周边客户。",
    ),
    (
        "service_online",
        "convenience",
        "网上国网缴费后欠费提醒仍在发送",
        "客户已在线缴清电费，仍连续收到欠费提醒短信，担心被停电。",
        "缴费数据与催费短信系统同步延迟。",
        "核实到账后向客户致歉，修复数据同步问题并增加发送前校验。",
        "系统提醒也是服务，发送前要核对最新数据，避免给客户造成困扰。",
    ),
)
TAKEAWAYS = (
    "工作中要主动多想一步，把问题解决在投诉之前。",
    "解释政策要用客户自己的数据，讲清楚才能让客户信服。",
    "严格执行服务规范，文明用语，尊重客户。",
    "隐患排查要落到实处，建立台账跟踪到底。",
    "停电告知要多渠道、提前、到户确认。",
    "承诺的时限必须兑现，临近超时要主动预警。",
    "一次性告知、一站式办结，减少客户跑腿。",
)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _months(today: date) -> list[tuple[date, date]]:
    """The last MONTHS whole months before this one, oldest first."""
    months, first = [], today.replace(day=1)
    for _ in range(MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append((first, month_end(first)))
    return months[::-1]


def _staff_by_department() -> dict[int, list[int]]:
    staff: dict[int, list[int]] = {}
    rows = User.objects.filter(is_active=True, department__isnull=False).exclude(role=Role.CUSTOMER)
    for pk, department in rows.order_by("pk").values_list("pk", "department_id"):
        staff.setdefault(department, []).append(pk)
    return staff


def _complaints_by_month(subtrees: dict[int, set[int]]) -> dict[tuple[int, date], list[int]]:
    """The closed complaints' ids by (grid department, month received), one query."""
    found: dict[tuple[int, date], list[int]] = {}
    rows = Complaint.objects.filter(order__kind=COMPLAINT, order__status=Status.CLOSED).values_list(
        "pk", "order__grid__department_id", "received_at"
    )
    for pk, department, received in rows.order_by("pk"):
        if department is not None:
            found.setdefault((department, timezone.localtime(received).date().replace(day=1)), []).append(pk)
    return found


def seed_library(*, seed: int) -> int:
    """seed_demo's one call: meetings, actions, cases and study; nothing if there are meetings already."""
    if AnalysisMeeting.objects.exists() or not Complaint.objects.exists():
        return 0
    rng = random.Random(seed + 9)
    with transaction.atomic():
        meetings = _meetings(rng)
        cases = _cases(rng)
    refresh_complaint_figures()  # the meeting pages' monthly roll-up, as the beat keeps it
    return meetings + cases


def _meetings(rng: random.Random) -> int:
    today = timezone.localdate()
    departments = meeting_departments()
    subtrees = case_rules._descendants()
    staff = _staff_by_department()
    complaints = _complaints_by_month(subtrees)
    handler = User.objects.filter(username="complaints").first()
    managers = dict(
        User.objects.filter(role=Role.DEPARTMENT_MANAGER, department_id__in=departments)
        .order_by("pk")
        .values_list("department_id", "pk")
    )
    months = _months(today)
    meetings = [
        AnalysisMeeting(department_id=d, period_start=first, period_end=last, created_at=_at(last, 20))
        for d in departments
        for first, last in months
    ]
    AnalysisMeeting.objects.bulk_create(meetings)
    last_month = months[-1][0]
    attendees, actions, links = [], [], []
    for meeting in meetings:
        if meeting.period_start == last_month:
            continue  # the month just ended: a draft, as the beat opens it
        _hold(meeting, rng, managers.get(meeting.department_id), handler)
        people = [pk for d in subtrees.get(meeting.department_id, {meeting.department_id}) for pk in staff.get(d, [])]
        chosen = rng.sample(people, min(len(people), 5)) + ([handler.pk] if handler else [])
        attendees += [AnalysisMeeting.attendees.through(analysismeeting=meeting, user_id=pk) for pk in set(chosen)]
        pool = [
            pk for d in subtrees.get(meeting.department_id, ()) for pk in complaints.get((d, meeting.period_start), [])
        ]
        for _ in range(rng.randint(1, 3)):
            action = _action(meeting, rng, chosen or people, today)
            actions.append(action)
            links.append(rng.sample(pool, min(len(pool), rng.randint(1, 3))))
    AnalysisMeeting.objects.bulk_update(
        [m for m in meetings if m.status == MeetingStatus.HELD],
        ["status", "held_on", "conclusions", "opened_by", "minutes_by", "minutes_at"],
        batch_size=500,
    )
    AnalysisMeeting.attendees.through.objects.bulk_create(attendees, batch_size=1000)
    ImprovementAction.objects.bulk_create(actions, batch_size=500)
    ImprovementAction.complaints.through.objects.bulk_create(
        [
            ImprovementAction.complaints.through(improvementaction=action, complaint_id=pk)
            for action, pks in zip(actions, links, strict=True)
            for pk in pks
        ],
        batch_size=1000,
    )
    return len(meetings)


def _hold(meeting: AnalysisMeeting, rng: random.Random, manager: int | None, handler: User | None) -> None:
    held = meeting.period_end + timedelta(days=rng.randint(3, 8))
    meeting.status, meeting.held_on = MeetingStatus.HELD, held
    meeting.conclusions = rng.choice(CONCLUSIONS)
    meeting.opened_by_id = meeting.minutes_by_id = manager or (handler.pk if handler else None)
    meeting.minutes_at = _at(held, 17)


def _action(meeting: AnalysisMeeting, rng: random.Random, people: list[int], today: date) -> ImprovementAction:
    title, evidence = rng.choice(ACTIONS)
    due = meeting.held_on + timedelta(days=rng.choice((15, 30, 30, 45)))
    action = ImprovementAction(
        meeting=meeting,
        title=title,
        owner_id=rng.choice(people) if people else meeting.opened_by_id,
        due_on=due,
        created_by_id=meeting.opened_by_id,
        created_at=_at(meeting.held_on, 17),
    )
    # Most actions due by now were done in time; about one in six is overdue, waiting for the beat's warning.
    if due < today and rng.random() > 0.17:
        done = due - timedelta(days=rng.randint(0, 10))
        action.status, action.evidence, action.done_at = ActionStatus.DONE, evidence, _at(done, 16)
        action.done_by_id = action.owner_id
    return action


def _cases(rng: random.Random) -> int:
    categories = {c.code: c for c in ComplaintCategory.objects.all()}
    handler = User.objects.filter(username="complaints").first()
    manager = User.objects.filter(username="manager").first()
    if handler is None or manager is None:
        return 0
    used: set[int] = set()
    written = []
    for n, (code, characteristic, title, situation, cause, measures, lesson) in enumerate(CASES):
        source = (
            Complaint.objects.filter(order__status=Status.CLOSED, order__kind=COMPLAINT, category__code=code)
            .exclude(pk__in=used)
            .select_related("order__grid")
            .order_by("-received_at")
            .first()
        )
        if source is not None:
            used.add(source.pk)
        closed = source.order.closed_at if source and source.order.closed_at else timezone.now() - timedelta(days=90)
        published = n < len(CASES) - 2  # the last two are drafts waiting for the manager
        case = TypicalCase(
            complaint=source,
            title=title,
            situation=situation,
            cause=cause,
            measures=measures,
            lesson=lesson,
            characteristic=characteristic,
            category=categories[code],
            department_id=source.order.grid.department_id if source else manager.department_id,
            status=CaseStatus.PUBLISHED if published else CaseStatus.DRAFT,
            author=handler,
            created_at=closed + timedelta(days=3),
            updated_at=closed + timedelta(days=5),
            published_by=manager if published else None,
            published_at=closed + timedelta(days=5) if published else None,
        )
        case.search_text = textsearch.search_terms(title, situation, cause, measures, lesson)
        written.append(case)
    TypicalCase.objects.bulk_create(written)
    _study(rng, [c for c in written if c.status == CaseStatus.PUBLISHED], manager)
    return len(written)


def _study(rng: random.Random, published: list[TypicalCase], manager: User) -> None:
    branch = manager.department
    company = Department.objects.filter(parent=None).order_by("code").first()
    audiences = [
        (branch, ""),
        (None, Role.COUNTER_STAFF),
        (company, Role.COMPLAINT_HANDLER),
        (branch, Role.GRID_MANAGER),
    ]
    assignments = []
    for n, case in enumerate(published):
        # The last goes to every counter clerk: the walk-through's `counter` login has it still to read.
        department, role = audiences[n % len(audiences)] if n < len(published) - 1 else (None, Role.COUNTER_STAFF)
        assignments.append(
            StudyAssignment(
                case=case,
                department=department,
                role=role,
                due_on=(case.published_at + timedelta(days=30)).date(),
                assigned_by=manager,
                assigned_at=case.published_at,
            )
        )
    StudyAssignment.objects.bulk_create(assignments)
    records, now = [], timezone.now()
    for n, assignment in enumerate(assignments):
        readers = list(User.objects.filter(case_rules.reach([assignment])).order_by("pk").values_list("pk", "username"))
        for pk, username in readers:
            # The walk-through's counter clerk still has the newest assigned case to read.
            if username == "counter" and n == len(assignments) - 1 or rng.random() > 0.66:
                continue
            read_at = min(assignment.assigned_at + timedelta(hours=rng.randint(2, 24 * 25)), now)
            records.append(
                StudyRecord(case=assignment.case, employee_id=pk, takeaway=rng.choice(TAKEAWAYS), read_at=read_at)
            )
    StudyRecord.objects.bulk_create(records, batch_size=1000)
