<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ChangeHead</name>
    <message>
        <source>No other member living in the household can become its head: add one first.</source>
        <translation>家庭中没有其他在册成员可以成为户主，请先添加成员。</translation>
    </message>
    <message>
        <source>Change the head of {address}</source>
        <translation>更换户主：{address}</translation>
    </message>
    <message>
        <source>The new head&apos;s relationship becomes 户主. The relationships of the others to the new head are proposed from those to the present head: check them before saving.</source>
        <translation>新户主的与户主关系改为“户主”。其他成员与新户主的关系已按其与原户主的关系推算，请核对后再保存。</translation>
    </message>
    <message>
        <source>&amp;New head:</source>
        <translation>新户主(&amp;N)：</translation>
    </message>
    <message>
        <source>Relationships to the new head</source>
        <translation>与新户主的关系</translation>
    </message>
    <message>
        <source>{name}, the present head (&amp;O):</source>
        <translation>{name}（原户主）(&amp;O)：</translation>
    </message>
    <message>
        <source>{name}, now {relationship}:</source>
        <translation>{name}（现为{relationship}）：</translation>
    </message>
    <message>
        <source>No other members.</source>
        <translation>没有其他成员。</translation>
    </message>
</context>
<context>
    <name>Conflicts</name>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>This laptop</source>
        <translation>本机的值</translation>
    </message>
    <message>
        <source>Other side</source>
        <translation>对方的值</translation>
    </message>
    <message>
        <source>Edited after it was voided</source>
        <translation>作废后又被修改</translation>
    </message>
</context>
<context>
    <name>Contracts</name>
    <message>
        <source>The operation failed; nothing was saved. Please try again.</source>
        <translation>操作失败，未保存任何内容，请重试。</translation>
    </message>
    <message>
        <source>Contract no.</source>
        <extracomment>(header, sort key) of each column, in order.</extracomment>
        <translation>合同编号</translation>
    </message>
    <message>
        <source>Representative</source>
        <translation>家庭代表</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村（居）</translation>
    </message>
    <message>
        <source>Family doctor</source>
        <translation>家庭医生</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>成员数</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <source>End</source>
        <translation>到期日期</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>In force</source>
        <translation>履约中</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>已到期</translation>
    </message>
    <message>
        <source>Renewed</source>
        <translation>已续约</translation>
    </message>
    <message>
        <source>Terminated</source>
        <translation>已解约</translation>
    </message>
    <message>
        <source>Voided</source>
        <extracomment>Rows loaded at once.</extracomment>
        <translation>已作废</translation>
    </message>
</context>
<context>
    <name>ContractsPage</name>
    <message>
        <source>In force</source>
        <translation>履约中</translation>
    </message>
    <message>
        <source>Expiring within 30 days</source>
        <translation>30 天内到期</translation>
    </message>
    <message>
        <source>Expiring within 60 days</source>
        <translation>60 天内到期</translation>
    </message>
    <message>
        <source>Drafts</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Expired, renewed or terminated</source>
        <translation>已到期、已续约或已解约</translation>
    </message>
    <message>
        <source>Discarded drafts</source>
        <translation>已作废的草稿</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Moved out of the area</source>
        <translation>迁出本辖区</translation>
    </message>
    <message>
        <source>Unreachable for a year</source>
        <translation>连续一年无法联系</translation>
    </message>
    <message>
        <source>Refused service for a year</source>
        <translation>连续一年拒绝服务</translation>
    </message>
    <message>
        <source>At the resident&apos;s request</source>
        <translation>本人申请解约</translation>
    </message>
    <message>
        <source>Death</source>
        <translation>死亡</translation>
    </message>
    <message>
        <source>Other (explain)</source>
        <translation>其他（请说明）</translation>
    </message>
    <message>
        <source>Terminate contract {number}</source>
        <translation>解约合同 {number}</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>原因(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>日期(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Note:</source>
        <translation>说明(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Terminate</source>
        <translation>解约(&amp;T)</translation>
    </message>
    <message>
        <source>Discard draft {number}</source>
        <translation>作废草稿 {number}</translation>
    </message>
    <message>
        <source>&amp;Discard draft</source>
        <translation>作废草稿(&amp;D)</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部村（居）</translation>
    </message>
    <message>
        <source>Sho&amp;w:</source>
        <translation>显示(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;Village:</source>
        <translation>村(&amp;V)：</translation>
    </message>
    <message>
        <source>Searc&amp;h:</source>
        <translation>查找(&amp;H)：</translation>
    </message>
    <message>
        <source>Contract number or name</source>
        <translation>合同编号或姓名</translation>
    </message>
    <message>
        <source>&amp;New contract…</source>
        <translation>新签约(&amp;N)…</translation>
    </message>
    <message>
        <source>Sign a contract for a household (Alt+N)</source>
        <translation>为一个家庭签约 (Alt+N)</translation>
    </message>
    <message>
        <source>&amp;Sign draft…</source>
        <translation>签约草稿(&amp;S)…</translation>
    </message>
    <message>
        <source>Sign the chosen draft (Alt+S, or Enter on it)</source>
        <translation>为选中的草稿签约（Alt+S，或在草稿上按回车）</translation>
    </message>
    <message>
        <source>&amp;Renew</source>
        <translation>续约(&amp;R)</translation>
    </message>
    <message>
        <source>Renew the chosen contract with the same members, packages and doctor (Alt+R)</source>
        <translation>按原成员、服务包和家庭医生续约选中的合同 (Alt+R)</translation>
    </message>
    <message>
        <source>&amp;Terminate…</source>
        <translation>解约(&amp;T)…</translation>
    </message>
    <message>
        <source>Terminate the chosen contract with a reason (Alt+T)</source>
        <translation>填写原因后解约选中的合同 (Alt+T)</translation>
    </message>
    <message>
        <source>Dis&amp;card draft…</source>
        <translation>作废草稿(&amp;C)…</translation>
    </message>
    <message>
        <source>Discard the chosen draft with a reason (Alt+C)</source>
        <translation>填写原因后作废选中的草稿 (Alt+C)</translation>
    </message>
    <message>
        <source>{count} contracts</source>
        <translation>共 {count} 份合同</translation>
    </message>
    <message>
        <source>Contract {number} signed.</source>
        <translation>合同 {number} 已签约。</translation>
    </message>
    <message>
        <source>Draft {number} saved.</source>
        <translation>草稿 {number} 已保存。</translation>
    </message>
    <message>
        <source>Renewed: the new contract is {number}.</source>
        <translation>已续约，新合同为 {number}。</translation>
    </message>
    <message>
        <source>Contract {number} terminated.</source>
        <translation>合同 {number} 已解约。</translation>
    </message>
    <message>
        <source>Draft {number} discarded.</source>
        <translation>草稿 {number} 已作废。</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <source>Contract coverage</source>
        <extracomment>The township setting holding its target line (per cent). The assessment&apos;s indicators and the settings of their target lines (by default the 2025 targets, DOMAIN.md §6: coverage 50 %, key populations 70 %, 规范管理率 80 %, control 50 %).</extracomment>
        <translation>签约覆盖率</translation>
    </message>
    <message>
        <source>Key-population coverage</source>
        <translation>重点人群签约覆盖率</translation>
    </message>
    <message>
        <source>Hypertension standardised management</source>
        <translation>高血压规范管理率</translation>
    </message>
    <message>
        <source>Hypertension control</source>
        <translation>高血压血压控制率</translation>
    </message>
    <message>
        <source>Diabetes standardised management</source>
        <translation>糖尿病规范管理率</translation>
    </message>
    <message>
        <source>Diabetes control</source>
        <translation>糖尿病血糖控制率</translation>
    </message>
    <message>
        <source>By village</source>
        <extracomment>The units the chart compares.</extracomment>
        <translation>按村（居）</translation>
    </message>
    <message>
        <source>By team</source>
        <translation>按团队</translation>
    </message>
    <message>
        <source>By family doctor</source>
        <translation>按家庭医生</translation>
    </message>
    <message>
        <source>Figures of {time}; computing today&apos;s…</source>
        <extracomment>The target lines in per cent by setting key (the township&apos;s settings). When the figures shown were computed, when they are a snapshot&apos;s (not yet today&apos;s).</extracomment>
        <translation>以下为 {time} 的数字，正在计算今日数字…</translation>
    </message>
    <message>
        <source>Computing the indicators…</source>
        <translation>正在计算指标…</translation>
    </message>
    <message>
        <source>As of {date}</source>
        <translation>统计日 {date}</translation>
    </message>
    <message>
        <source>Indicators (click a figure for its work list)</source>
        <translation>考核指标（点击指标打开对应工作清单）</translation>
    </message>
    <message>
        <source>Comparison</source>
        <translation>分项对比</translation>
    </message>
    <message>
        <source>&amp;Indicator:</source>
        <translation>指标(&amp;I)：</translation>
    </message>
    <message>
        <source>&amp;Compare:</source>
        <translation>对比(&amp;C)：</translation>
    </message>
    <message>
        <source>Click a bar (or Enter) for its work list</source>
        <translation>点击条形（或按回车）打开其工作清单</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Compute the figures again (F5)</source>
        <translation>重新计算指标（F5）</translation>
    </message>
    <message>
        <source>Target {target}</source>
        <translation>目标 {target}</translation>
    </message>
    <message>
        <source>{name}: {formula}</source>
        <translation>{name}：{formula}</translation>
    </message>
    <message>
        <source>No figures yet</source>
        <translation>暂无数据</translation>
    </message>
</context>
<context>
    <name>HouseholdForm</name>
    <message>
        <source>Register a household</source>
        <translation>新建家庭档案</translation>
    </message>
    <message>
        <source>Edit the household</source>
        <translation>修改家庭信息</translation>
    </message>
    <message>
        <source>Village:</source>
        <translation>所在村（居）：</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>家庭住址(&amp;A)：</translation>
    </message>
    <message>
        <source>Household p&amp;hone:</source>
        <translation>家庭电话(&amp;H)：</translation>
    </message>
    <message>
        <source>Head of household</source>
        <translation>户主</translation>
    </message>
</context>
<context>
    <name>HouseholdTable</name>
    <message>
        <source>Address</source>
        <extracomment>(sort key, header) of each column, in order.</extracomment>
        <translation>家庭住址</translation>
    </message>
    <message>
        <source>Head of household</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>签约状态</translation>
    </message>
    <message>
        <source>Contract ends</source>
        <translation>协议到期</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>随访</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>已签约</translation>
    </message>
    <message>
        <source>Not signed</source>
        <translation>未签约</translation>
    </message>
    <message>
        <source>Expiring within 30 days</source>
        <translation>30天内到期</translation>
    </message>
    <message>
        <source>Due</source>
        <extracomment>The user sorted by a column: (sort key, descending).</extracomment>
        <translation>待随访</translation>
    </message>
</context>
<context>
    <name>KeyPopulations</name>
    <message>
        <source>Elderly 65+</source>
        <translation>65岁及以上老年人</translation>
    </message>
    <message>
        <source>Child 0-6</source>
        <translation>0-6岁儿童</translation>
    </message>
    <message>
        <source>Pregnant or postpartum</source>
        <translation>孕产妇</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>残疾人</translation>
    </message>
    <message>
        <source>Poverty relief</source>
        <translation>脱贫人口/低保/特困</translation>
    </message>
    <message>
        <source>Family-planning special family</source>
        <translation>计划生育特殊家庭</translation>
    </message>
    <message>
        <source>Hypertension</source>
        <translation>高血压患者</translation>
    </message>
    <message>
        <source>Type 2 diabetes</source>
        <translation>2型糖尿病患者</translation>
    </message>
    <message>
        <source>Tuberculosis</source>
        <translation>肺结核患者</translation>
    </message>
    <message>
        <source>Severe mental disorder</source>
        <translation>严重精神障碍患者</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Family doctor contract service</source>
        <translation>家庭医生签约服务</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>暂无</translation>
    </message>
    <message>
        <source>Township overview</source>
        <translation>乡镇概况</translation>
    </message>
    <message>
        <source>{name} (division code {code})</source>
        <translation>{name}（区划代码 {code}）</translation>
    </message>
    <message>
        <source>Villages</source>
        <translation>村（居）</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>Residents</source>
        <translation>居民人数</translation>
    </message>
    <message>
        <source>Contracted residents</source>
        <translation>已签约居民</translation>
    </message>
    <message>
        <source>Contract coverage</source>
        <translation>签约覆盖率</translation>
    </message>
    <message>
        <source>{contracted} of {residents} residents</source>
        <translation>{residents} 名居民中已签约 {contracted} 名</translation>
    </message>
    <message>
        <source>This page has input that is not saved. Leave it and discard the input?</source>
        <extracomment>The smallest screen the window must work on (old village laptops). The search box&apos;s text as the user types (the resident search listens). The page now shown (its index). The results under the search box (fdclient.ui.widgets.search_popup.install_search_popup).</extracomment>
        <translation>本页有尚未保存的内容。离开本页并放弃这些内容吗？</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Find a resident</source>
        <translation>查找居民(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Lock now</source>
        <translation>立即锁定(&amp;L)</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>注销(&amp;O)</translation>
    </message>
    <message>
        <source>Search (Ctrl+F):</source>
        <translation>搜索（Ctrl+F）：</translation>
    </message>
    <message>
        <source>Name, pinyin, initials, ID number, phone or record number (Ctrl+F)</source>
        <translation>姓名、拼音、首字母、身份证号、电话或档案号（Ctrl+F）</translation>
    </message>
    <message>
        <source>Today: {date}</source>
        <translation>今天：{date}</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Unsynced changes: —</source>
        <translation>未同步的修改：—</translation>
    </message>
</context>
<context>
    <name>MembersTable</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Relationship</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Key populations</source>
        <translation>重点人群</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>在册</translation>
    </message>
    <message>
        <source>Moved out</source>
        <translation>已迁出</translation>
    </message>
    <message>
        <source>Deceased</source>
        <translation>已死亡</translation>
    </message>
</context>
<context>
    <name>MergeTasks</name>
    <message>
        <source>Same person?</source>
        <translation>是否同一人？</translation>
    </message>
    <message>
        <source>Two active contracts</source>
        <translation>两份有效签约</translation>
    </message>
    <message>
        <source>To decide</source>
        <translation>待决定</translation>
    </message>
    <message>
        <source>Merged</source>
        <translation>已合并</translation>
    </message>
    <message>
        <source>Kept apart</source>
        <translation>不是同一人</translation>
    </message>
    <message>
        <source>Merge undone</source>
        <translation>已撤销合并</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Record kept</source>
        <translation>保留的档案</translation>
    </message>
    <message>
        <source>Other record</source>
        <translation>另一份档案</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>Operations</name>
    <message>
        <source>Something went wrong; nothing was changed. The log has details.</source>
        <translation>操作没有完成，数据未作修改。详情见日志。</translation>
    </message>
</context>
<context>
    <name>Pages</name>
    <message>
        <source>Residents</source>
        <translation>居民档案</translation>
    </message>
    <message>
        <source>Households and residents by village: register, edit, move out, record a death.</source>
        <translation>按村查看家庭和居民：建档、修改、迁出、登记死亡。</translation>
    </message>
    <message>
        <source>Contracts</source>
        <translation>签约管理</translation>
    </message>
    <message>
        <source>Sign, renew and terminate family-doctor contracts.</source>
        <extracomment>The contract to choose once the list is read again (the one just signed …).</extracomment>
        <translation>签订、续约和解除家庭医生签约协议。</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>随访服务</translation>
    </message>
    <message>
        <source>Follow-ups, elderly health checks and other services.</source>
        <translation>随访、老年人健康体检和其他服务。</translation>
    </message>
    <message>
        <source>Work lists</source>
        <translation>工作清单</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表导出</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>数据同步</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Language, font size, idle lock, the township&apos;s rules, staff and teams.</source>
        <translation>界面语言、字号、空闲锁屏、乡镇规则、工作人员和团队。</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>工作台</translation>
    </message>
</context>
<context>
    <name>PastHistory</name>
    <message>
        <source>name of the disease</source>
        <translation>疾病名称</translation>
    </message>
    <message>
        <source>(no name needed)</source>
        <translation>（无需填写名称）</translation>
    </message>
    <message>
        <source>name of the operation</source>
        <translation>手术名称</translation>
    </message>
    <message>
        <source>name of the injury</source>
        <translation>外伤名称</translation>
    </message>
    <message>
        <source>reason for the transfusion</source>
        <translation>输血原因</translation>
    </message>
    <message>
        <source>Void a past-history record</source>
        <extracomment>&quot;stored&quot;, &quot;pending&quot;, &quot;voiding&quot; or &quot;voided&quot;. A stored row&apos;s id, or a pending row&apos;s index in its list.</extracomment>
        <translation>作废既往史记录</translation>
    </message>
    <message>
        <source>“{what}” stays in the file, marked void. Why is it voided?</source>
        <translation>“{what}”会保留在档案中并标记为作废。作废原因是什么？</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>作废原因(&amp;R)：</translation>
    </message>
    <message>
        <source>Void (Enter)</source>
        <translation>作废（Enter）</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消（Esc）</translation>
    </message>
    <message>
        <source>Write why the record is voided.</source>
        <translation>请填写作废原因。</translation>
    </message>
    <message>
        <source>Kind</source>
        <extracomment>Stored rows to void when saving, with the reason.</extracomment>
        <translation>类别</translation>
    </message>
    <message>
        <source>Disease or event</source>
        <translation>疾病名称 / 手术、外伤名称 / 输血原因</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Past histor&amp;y:</source>
        <translation>既往史(&amp;Y)：</translation>
    </message>
    <message>
        <source>A&amp;dd (Enter)</source>
        <translation>添加(&amp;D)（Enter）</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>名称(&amp;M)：</translation>
    </message>
    <message>
        <source>Da&amp;te:</source>
        <translation>时间(&amp;T)：</translation>
    </message>
    <message>
        <source>YYYY-MM or YYYY-MM-DD</source>
        <translation>年-月 或 年-月-日</translation>
    </message>
    <message>
        <source>Add the row; it is saved with the form (Ctrl+S)</source>
        <translation>添加此行；随表单一起保存（Ctrl+S）</translation>
    </message>
    <message>
        <source>Write the date as 2015-03 or 2015-03-20.</source>
        <translation>请按 2015-03 或 2015-03-20 的格式填写时间。</translation>
    </message>
    <message>
        <source>The date is in the future.</source>
        <translation>时间晚于今天。</translation>
    </message>
    <message>
        <source>Write the name of the disease.</source>
        <translation>请填写具体疾病名称。</translation>
    </message>
    <message>
        <source>“{disease}” is already in the past history.</source>
        <translation>既往史中已有“{disease}”。</translation>
    </message>
    <message>
        <source>Write what it was.</source>
        <translation>请填写名称或原因。</translation>
    </message>
    <message>
        <source>Disease</source>
        <translation>疾病</translation>
    </message>
    <message>
        <source>New: saved with the form</source>
        <translation>新增，随表单保存</translation>
    </message>
    <message>
        <source>Voided when saved ({reason})</source>
        <translation>保存时作废（{reason}）</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>已登记</translation>
    </message>
    <message>
        <source>Ta&amp;ke out</source>
        <translation>移除(&amp;K)</translation>
    </message>
    <message>
        <source>Undo &amp;void</source>
        <translation>撤销作废(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Void…</source>
        <translation>作废(&amp;V)…</translation>
    </message>
    <message>
        <source>Void the selected row (Delete)</source>
        <translation>作废所选的一行（Delete）</translation>
    </message>
</context>
<context>
    <name>Registry</name>
    <message>
        <source>Could not save: an unexpected error happened.</source>
        <translation>保存失败：发生了意外错误。</translation>
    </message>
</context>
<context>
    <name>RegistryDialog</name>
    <message>
        <source>&amp;Save (Ctrl+S)</source>
        <extracomment>The widget to focus for a field&apos;s error.</extracomment>
        <translation>保存(&amp;S)（Ctrl+S）</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消（Esc）</translation>
    </message>
</context>
<context>
    <name>RejectedEntries</name>
    <message>
        <source>Changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>When</source>
        <translation>修改时间</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>New record</source>
        <translation>新记录</translation>
    </message>
    <message>
        <source>Conflict decision</source>
        <translation>冲突处理</translation>
    </message>
    <message>
        <source>Merge decision</source>
        <translation>合并决定</translation>
    </message>
    <message>
        <source>{what}: {fields}</source>
        <translation>{what}：{fields}</translation>
    </message>
</context>
<context>
    <name>RejectedRows</name>
    <message>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <source>Cancelled: no file was written.</source>
        <translation>已取消：没有生成任何文件。</translation>
    </message>
    <message>
        <source>The file or printer could not be written: {reason}</source>
        <translation>无法写入文件或打印机：{reason}</translation>
    </message>
    <message>
        <source>Something went wrong ({what}); nothing was written.</source>
        <translation>出现意外错误（{what}），没有写入任何内容。</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>另存为 PDF</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Print {title}</source>
        <translation>打印{title}</translation>
    </message>
    <message>
        <source>Print preview: {title}</source>
        <translation>打印预览：{title}</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <source>Fit the page to the width (Ctrl+0)</source>
        <translation>页面适合窗口宽度（Ctrl+0）</translation>
    </message>
    <message>
        <source>Zoom in (Ctrl++)</source>
        <translation>放大（Ctrl++）</translation>
    </message>
    <message>
        <source>Zoom out (Ctrl+-)</source>
        <translation>缩小（Ctrl+-）</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>打印(&amp;P)…</translation>
    </message>
    <message>
        <source>Choose a printer and print these pages (Alt+P)</source>
        <translation>选择打印机并打印这些页（Alt+P）</translation>
    </message>
    <message>
        <source>&amp;Save as PDF…</source>
        <translation>另存为 PDF(&amp;S)…</translation>
    </message>
    <message>
        <source>Save these pages as a PDF file (Alt+S)</source>
        <translation>把这些页保存为 PDF 文件（Alt+S）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close the preview (Esc)</source>
        <translation>关闭预览（Esc）</translation>
    </message>
    <message>
        <source>Page {page} of {pages}</source>
        <translation>第 {page} 页，共 {pages} 页</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Sent {pages} pages to the printer.</source>
        <translation>已发送 {pages} 页到打印机。</translation>
    </message>
    <message>
        <source>Saved: {path}</source>
        <translation>已保存：{path}</translation>
    </message>
    <message>
        <source>Contract for&amp;ms</source>
        <extracomment>What can be printed, with its button text and the document&apos;s title.</extracomment>
        <translation>签约服务协议书(&amp;M)</translation>
    </message>
    <message>
        <source>Contract forms</source>
        <translation>签约服务协议书</translation>
    </message>
    <message>
        <source>Co&amp;ntact cards</source>
        <translation>家庭医生联系卡(&amp;N)</translation>
    </message>
    <message>
        <source>Contact cards</source>
        <translation>家庭医生联系卡</translation>
    </message>
    <message>
        <source>Wal&amp;king list</source>
        <translation>入户工作清单(&amp;K)</translation>
    </message>
    <message>
        <source>Walking list</source>
        <translation>入户工作清单</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印单据</translation>
    </message>
    <message>
        <source>What:</source>
        <translation>打印内容：</translation>
    </message>
    <message>
        <source>Vi&amp;llage:</source>
        <translation>村（居）(&amp;L)：</translation>
    </message>
    <message>
        <source>Contract num&amp;ber:</source>
        <translation>协议编号(&amp;B)：</translation>
    </message>
    <message>
        <source>&amp;Day:</source>
        <translation>入户日期(&amp;D)：</translation>
    </message>
    <message>
        <source>Empty: the whole village</source>
        <translation>留空则打印全村</translation>
    </message>
    <message>
        <source>A contract number prints that one contract (a draft with blank signature lines)</source>
        <translation>填写协议编号只打印这一份协议（草稿打印为空白签名栏）</translation>
    </message>
    <message>
        <source>The door-knocking day the walking list is for</source>
        <translation>入户工作清单对应的入户日期</translation>
    </message>
    <message>
        <source>Pre&amp;view</source>
        <translation>预览(&amp;V)</translation>
    </message>
    <message>
        <source>Make the pages and look at them before printing (Alt+V)</source>
        <translation>生成页面，打印前先预览（Alt+V）</translation>
    </message>
    <message>
        <source>Make the pages and choose a printer (Alt+P)</source>
        <translation>生成页面并选择打印机（Alt+P）</translation>
    </message>
    <message>
        <source>Make the pages into a PDF file (Alt+S)</source>
        <translation>生成 PDF 文件（Alt+S）</translation>
    </message>
    <message>
        <source>Choose a village</source>
        <translation>请选择村（居）</translation>
    </message>
    <message>
        <source>Your role may not print.</source>
        <translation>您的角色不能打印。</translation>
    </message>
    <message>
        <source>Choose a village (or type a contract number).</source>
        <translation>请选择村（居），或填写协议编号。</translation>
    </message>
    <message>
        <source>Making the {what}…</source>
        <translation>正在生成{what}…</translation>
    </message>
    <message>
        <source>{items} contract forms, two copies each ({pages} pages).</source>
        <translation>共 {items} 份签约服务协议书，每份一式两份（{pages} 页）。</translation>
    </message>
    <message>
        <source>{items} contact cards ({pages} pages: print both sides, flip on the long edge).</source>
        <translation>共 {items} 张联系卡（{pages} 页，请双面打印，长边翻转）。</translation>
    </message>
    <message>
        <source>Walking list of {items} households ({pages} pages).</source>
        <translation>入户工作清单共 {items} 户（{pages} 页）。</translation>
    </message>
    <message>
        <source>{n} residents got their first card.</source>
        <translation>其中 {n} 位居民是第一次发卡。</translation>
    </message>
    <message>
        <source>Export the roster (Excel)</source>
        <translation>导出花名册（Excel）</translation>
    </message>
    <message>
        <source>Villag&amp;es:</source>
        <translation>导出范围(&amp;E)：</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全乡镇（所有村）</translation>
    </message>
    <message>
        <source>Signed residen&amp;ts only</source>
        <translation>仅已签约居民(&amp;T)</translation>
    </message>
    <message>
        <source>One s&amp;heet for all villages</source>
        <translation>所有村写在一张表(&amp;H)</translation>
    </message>
    <message>
        <source>Encr&amp;ypt with a password</source>
        <translation>用密码加密(&amp;Y)</translation>
    </message>
    <message>
        <source>Excel and WPS ask for the password to open it. Keep it apart from the USB stick.</source>
        <translation>Excel 和 WPS 打开时需要输入密码。请把密码和 U 盘分开保管。</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>密码(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;Again:</source>
        <translation>再输一遍(&amp;A)：</translation>
    </message>
    <message>
        <source>At least 8 characters</source>
        <translation>至少 8 个字符</translation>
    </message>
    <message>
        <source>E&amp;xport roster…</source>
        <translation>导出花名册(&amp;X)…</translation>
    </message>
    <message>
        <source>Choose where to save the workbook and export (Alt+X)</source>
        <translation>选择保存位置并导出（Alt+X）</translation>
    </message>
    <message>
        <source>Your role may not export.</source>
        <translation>您的角色不能导出。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一样。</translation>
    </message>
    <message>
        <source>Roster</source>
        <translation>签约居民花名册</translation>
    </message>
    <message>
        <source>Export the roster</source>
        <translation>导出花名册</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Exporting the roster…</source>
        <translation>正在导出花名册…</translation>
    </message>
    <message>
        <source>Exported {rows} residents ({sheets} roster sheets and the indicator sheet) to {path}.</source>
        <translation>已导出 {rows} 位居民（{sheets} 张花名册表和 1 张考核指标表）到 {path}。</translation>
    </message>
    <message>
        <source>It is encrypted: Excel and WPS ask for the password.</source>
        <translation>工作簿已加密，Excel 和 WPS 打开时需要输入密码。</translation>
    </message>
    <message>
        <source>Import a roster (Excel or CSV)</source>
        <translation>导入花名册（Excel 或 CSV）</translation>
    </message>
    <message>
        <source>Roster file:</source>
        <translation>花名册文件：</translation>
    </message>
    <message>
        <source>Nothing is written before you press Import.</source>
        <translation>按“导入”之前不会写入任何数据。</translation>
    </message>
    <message>
        <source>&amp;Open roster…</source>
        <translation>打开花名册(&amp;O)…</translation>
    </message>
    <message>
        <source>Choose an .xlsx, .xls or .csv roster and see what it would do</source>
        <translation>选择 .xlsx、.xls 或 .csv 花名册，先查看导入结果</translation>
    </message>
    <message>
        <source>Import nothing &amp;unless every row is valid (strict)</source>
        <translation>有不合格的行就全部不导入（严格模式）(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>Write the valid rows to the store (Alt+I)</source>
        <translation>把合格的行写入数据库（Alt+I）</translation>
    </message>
    <message>
        <source>Save re&amp;jected rows…</source>
        <translation>保存错误行(&amp;J)…</translation>
    </message>
    <message>
        <source>A workbook of the rejected rows with the reason, to correct and import again</source>
        <translation>把不合格的行连同原因存为工作簿，改正后可再次导入</translation>
    </message>
    <message>
        <source>Disca&amp;rd preview</source>
        <translation>取消导入(&amp;R)</translation>
    </message>
    <message>
        <source>Your role may not import rosters.</source>
        <translation>您的角色不能导入花名册。</translation>
    </message>
    <message>
        <source>Open a roster</source>
        <translation>打开花名册</translation>
    </message>
    <message>
        <source>Rosters (*.xlsx *.xls *.csv);;All files (*)</source>
        <translation>花名册 (*.xlsx *.xls *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Reading the roster and checking every row…</source>
        <translation>正在读取花名册并逐行检查…</translation>
    </message>
    <message>
        <source>Choose a roster: you will see what importing it would do before anything is written.</source>
        <translation>请选择花名册：写入任何数据之前，会先显示导入后的结果。</translation>
    </message>
    <message>
        <source>Imported: {read} rows read; {created} residents added, {updated} updated, {unchanged} unchanged; {rejected} rows rejected; {contracts} contracts created.</source>
        <translation>已导入：读取 {read} 行；新增 {created} 人，更新 {updated} 人，无变化 {unchanged} 人；不合格 {rejected} 行；新建签约 {contracts} 份。</translation>
    </message>
    <message>
        <source>Preview (nothing written yet): {read} rows read; {created} residents to add, {updated} to update, {unchanged} unchanged; {rejected} rows rejected; {contracts} contracts to create.</source>
        <translation>预览（尚未写入）：读取 {read} 行；将新增 {created} 人，更新 {updated} 人，无变化 {unchanged} 人；不合格 {rejected} 行；将新建签约 {contracts} 份。</translation>
    </message>
    <message>
        <source>Villages not in the township, to be added: {villages}</source>
        <translation>本乡镇还没有的村（居），导入时将新增：{villages}</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Strict import: {rejected} rows are not valid, so nothing was imported.</source>
        <translation>严格模式：有 {rejected} 行不合格，没有导入任何数据。</translation>
    </message>
    <message>
        <source>The roster was imported.</source>
        <translation>花名册已导入。</translation>
    </message>
    <message>
        <source>Save the rejected rows</source>
        <translation>保存不合格的行</translation>
    </message>
    <message>
        <source>_rejected</source>
        <translation>_不合格行</translation>
    </message>
    <message>
        <source>Saving the rejected rows…</source>
        <translation>正在保存不合格的行…</translation>
    </message>
    <message>
        <source>The rejected rows and their reasons are in {path}.</source>
        <translation>不合格的行及原因已保存到 {path}。</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <extracomment>Work began (the page disables the other actions). The work ended (done, failed or cancelled): the strip hid itself.</extracomment>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>Stop the work under way (Esc)</source>
        <translation>停止正在进行的工作（Esc）</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
</context>
<context>
    <name>ResidentForm</name>
    <message>
        <source>&amp;Relationship to the head:</source>
        <translation>与户主关系(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>姓名(&amp;N)：</translation>
    </message>
    <message>
        <source>(from the ID number)</source>
        <extracomment>The birth date as typed changed (a date, or None while it is none).</extracomment>
        <translation>（按身份证号）</translation>
    </message>
    <message>
        <source>Se&amp;x:</source>
        <translation>性别(&amp;X)：</translation>
    </message>
    <message>
        <source>YYYY-MM-DD (from the ID number)</source>
        <translation>年-月-日（可由身份证号带出）</translation>
    </message>
    <message>
        <source>&amp;Birth date:</source>
        <translation>出生日期(&amp;B)：</translation>
    </message>
    <message>
        <source>Document &amp;type:</source>
        <translation>证件类型(&amp;T)：</translation>
    </message>
    <message>
        <source>18 characters; birth date and sex are filled in</source>
        <translation>18 位，自动带出出生日期和性别</translation>
    </message>
    <message>
        <source>&amp;ID number:</source>
        <translation>证件号码(&amp;I)：</translation>
    </message>
    <message>
        <source>&amp;Confirm the mismatch with the ID number</source>
        <translation>确认与身份证号不一致(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Workplace:</source>
        <extracomment>Code of 其他 in the payment methods.</extracomment>
        <translation>工作单位(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;Phone:</source>
        <translation>本人电话(&amp;P)：</translation>
    </message>
    <message>
        <source>C&amp;ontact person:</source>
        <translation>联系人姓名(&amp;O)：</translation>
    </message>
    <message>
        <source>Contact&apos;s phon&amp;e:</source>
        <translation>联系人电话(&amp;E)：</translation>
    </message>
    <message>
        <source>Resident t&amp;ype:</source>
        <translation>常住类型(&amp;Y)：</translation>
    </message>
    <message>
        <source>Ethnic &amp;group:</source>
        <translation>民族(&amp;G)：</translation>
    </message>
    <message>
        <source>B&amp;lood group (ABO / Rh):</source>
        <translation>血型(&amp;L)（ABO / Rh）：</translation>
    </message>
    <message>
        <source>E&amp;ducation:</source>
        <translation>文化程度(&amp;D)：</translation>
    </message>
    <message>
        <source>Occ&amp;upation:</source>
        <translation>职业(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Marital status:</source>
        <translation>婚姻状况(&amp;M)：</translation>
    </message>
    <message>
        <source>Payment of medical &amp;fees:</source>
        <translation>医疗费用支付方式(&amp;F)：</translation>
    </message>
    <message>
        <source>Key populations:</source>
        <extracomment>Tags the form edits; the others are derived (age, diagnoses, pregnancies, disabilities).</extracomment>
        <translation>重点人群：</translation>
    </message>
    <message>
        <source>&amp;Key population tags:</source>
        <translation>重点人群标记(&amp;K)：</translation>
    </message>
    <message>
        <source>Assis&amp;tance:</source>
        <translation>帮扶类别(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Registered on:</source>
        <translation>建档日期(&amp;R)：</translation>
    </message>
    <message>
        <source>Registered &amp;by:</source>
        <translation>建档人(&amp;B)：</translation>
    </message>
    <message>
        <source>Responsible &amp;doctor:</source>
        <translation>责任医生(&amp;D)：</translation>
    </message>
    <message>
        <source>Key populations</source>
        <translation>重点人群</translation>
    </message>
    <message>
        <source>Record cover</source>
        <translation>档案封面</translation>
    </message>
    <message>
        <source>YYYY-MM-DD (today when empty)</source>
        <translation>年-月-日（不填为今天）</translation>
    </message>
    <message>
        <source>(unchanged)</source>
        <translation>（不变）</translation>
    </message>
    <message>
        <source>(me, the signed-in user)</source>
        <translation>（本人，即当前登录用户）</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source> (disabled)</source>
        <translation>（已停用）</translation>
    </message>
    <message>
        <source>The registration date is not a date: write it as 2026-06-01.</source>
        <translation>建档日期不是有效日期：请按 2026-06-01 的格式填写。</translation>
    </message>
    <message>
        <source>The birth date is not a date: write it as 1960-05-01.</source>
        <translation>出生日期不是有效日期：请按 1960-05-01 的格式填写。</translation>
    </message>
    <message>
        <source>{age} years</source>
        <translation>{age} 岁</translation>
    </message>
    <message>
        <source>&amp;1 Basic information</source>
        <translation>基本信息(&amp;1)</translation>
    </message>
    <message>
        <source>&amp;2 Past and family history</source>
        <translation>既往史·家族史(&amp;2)</translation>
    </message>
    <message>
        <source>&amp;3 Disability and living environment</source>
        <translation>残疾·生活环境(&amp;3)</translation>
    </message>
    <message>
        <source>&amp;4 Key populations and record cover</source>
        <translation>重点人群·建档(&amp;4)</translation>
    </message>
    <message>
        <source>Alt+number or Ctrl+Tab</source>
        <extracomment>Tags that follow the form as typed (the others come from the stored record).</extracomment>
        <translation>Alt+数字 或 Ctrl+Tab 切换</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>none derived from the birth date or the record</source>
        <translation>按出生日期和档案无</translation>
    </message>
    <message>
        <source>This person may already have a file:</source>
        <translation>此人可能已经建档：</translation>
    </message>
    <message>
        <source>the same ID number</source>
        <translation>身份证号相同</translation>
    </message>
    <message>
        <source>a similar name and the same birth date</source>
        <translation>姓名相近且出生日期相同</translation>
    </message>
    <message>
        <source>{name}, born {birth}, {village}, record {record} ({why})</source>
        <translation>{name}，{birth} 出生，{village}，档案号 {record}（{why}）</translation>
    </message>
    <message>
        <source>Add a member</source>
        <translation>添加家庭成员</translation>
    </message>
    <message>
        <source>Edit a resident</source>
        <translation>修改居民信息</translation>
    </message>
    <message>
        <source>Personal information: {name}</source>
        <translation>个人基本信息：{name}</translation>
    </message>
    <message>
        <source>(not filled in)</source>
        <translation>（未填）</translation>
    </message>
    <message>
        <source>&amp;Father</source>
        <extracomment>无 in the multi-choice answers. The stored answer of 遗传病史 无 (a disease is stored by its name).</extracomment>
        <translation>父亲(&amp;F)</translation>
    </message>
    <message>
        <source>M&amp;other</source>
        <translation>母亲(&amp;O)</translation>
    </message>
    <message>
        <source>Si&amp;blings</source>
        <translation>兄弟姐妹(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Children</source>
        <translation>子女(&amp;C)</translation>
    </message>
    <message>
        <source>Drug a&amp;llergies:</source>
        <translation>药物过敏史(&amp;L)：</translation>
    </message>
    <message>
        <source>E&amp;xposures:</source>
        <translation>暴露史(&amp;X)：</translation>
    </message>
    <message>
        <source>&amp;Genetic disease:</source>
        <translation>遗传病史(&amp;G)：</translation>
    </message>
    <message>
        <source>Past history: diseases, surgery, trauma, transfusion</source>
        <translation>既往史：疾病、手术、外伤、输血</translation>
    </message>
    <message>
        <source>Family history</source>
        <translation>家族史</translation>
    </message>
    <message>
        <source>name of the disease</source>
        <translation>疾病名称</translation>
    </message>
    <message>
        <source>Write the name of the hereditary disease.</source>
        <translation>请填写遗传病的疾病名称。</translation>
    </message>
    <message>
        <source>&amp;Disabilities:</source>
        <extracomment>无残疾 and 其他残疾 in codes.DISABILITY.</extracomment>
        <translation>残疾情况(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Kitchen exhaust:</source>
        <translation>厨房排风设施(&amp;K)：</translation>
    </message>
    <message>
        <source>F&amp;uel:</source>
        <translation>燃料类型(&amp;U)：</translation>
    </message>
    <message>
        <source>Drinking &amp;water:</source>
        <translation>饮水(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;Toilet:</source>
        <translation>厕所(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Livestock pen:</source>
        <translation>禽畜栏(&amp;L)：</translation>
    </message>
    <message>
        <source>Disability</source>
        <translation>残疾情况</translation>
    </message>
    <message>
        <source>Living environment</source>
        <translation>生活环境</translation>
    </message>
</context>
<context>
    <name>ResidentRecord</name>
    <message>
        <source>Name</source>
        <extracomment>The labels of the personal information form, by field (RecordField.key).</extracomment>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Health record number</source>
        <translation>健康档案号</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <source>Document type</source>
        <translation>证件类型</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村（居）委会</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>现住址</translation>
    </message>
    <message>
        <source>Relationship to head</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>本人电话</translation>
    </message>
    <message>
        <source>Workplace</source>
        <translation>工作单位</translation>
    </message>
    <message>
        <source>Contact person</source>
        <translation>联系人及电话</translation>
    </message>
    <message>
        <source>Residence type</source>
        <translation>常住类型</translation>
    </message>
    <message>
        <source>Ethnicity</source>
        <translation>民族</translation>
    </message>
    <message>
        <source>Blood type</source>
        <translation>血型</translation>
    </message>
    <message>
        <source>Education</source>
        <translation>文化程度</translation>
    </message>
    <message>
        <source>Occupation</source>
        <translation>职业</translation>
    </message>
    <message>
        <source>Marital status</source>
        <translation>婚姻状况</translation>
    </message>
    <message>
        <source>Medical payment</source>
        <translation>医疗费用支付方式</translation>
    </message>
    <message>
        <source>Drug allergies</source>
        <translation>药物过敏史</translation>
    </message>
    <message>
        <source>Exposures</source>
        <translation>暴露史</translation>
    </message>
    <message>
        <source>Past diseases</source>
        <translation>既往史·疾病</translation>
    </message>
    <message>
        <source>Surgery, trauma, transfusion</source>
        <translation>既往史·手术/外伤/输血</translation>
    </message>
    <message>
        <source>Family history: father</source>
        <translation>家族史·父亲</translation>
    </message>
    <message>
        <source>Family history: mother</source>
        <translation>家族史·母亲</translation>
    </message>
    <message>
        <source>Family history: siblings</source>
        <translation>家族史·兄弟姐妹</translation>
    </message>
    <message>
        <source>Family history: children</source>
        <translation>家族史·子女</translation>
    </message>
    <message>
        <source>Genetic disease</source>
        <translation>遗传病史</translation>
    </message>
    <message>
        <source>Disabilities</source>
        <translation>残疾情况</translation>
    </message>
    <message>
        <source>Kitchen exhaust</source>
        <translation>厨房排风设施</translation>
    </message>
    <message>
        <source>Fuel</source>
        <translation>燃料类型</translation>
    </message>
    <message>
        <source>Drinking water</source>
        <translation>饮水</translation>
    </message>
    <message>
        <source>Toilet</source>
        <translation>厕所</translation>
    </message>
    <message>
        <source>Livestock pen</source>
        <translation>禽畜栏</translation>
    </message>
    <message>
        <source>Key populations</source>
        <translation>重点人群</translation>
    </message>
    <message>
        <source>Record status</source>
        <translation>档案状态</translation>
    </message>
    <message>
        <source>Registered on</source>
        <translation>建档日期</translation>
    </message>
    <message>
        <source>Registered by</source>
        <translation>建档人</translation>
    </message>
    <message>
        <source>Responsible doctor</source>
        <translation>责任医生</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>医生</translation>
    </message>
    <message>
        <source>Blood pressure</source>
        <translation>血压</translation>
    </message>
    <message>
        <source>Fasting glucose</source>
        <translation>空腹血糖</translation>
    </message>
    <message>
        <source>Assessment</source>
        <translation>评价</translation>
    </message>
    <message>
        <source>Next visit</source>
        <translation>下次随访</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Contract number</source>
        <translation>协议编号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Term</source>
        <translation>服务期</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Family doctor</source>
        <translation>家庭医生</translation>
    </message>
    <message>
        <source>Packages</source>
        <translation>服务包</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>本人签约</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务项目</translation>
    </message>
    <message>
        <source>Round</source>
        <translation>次序</translation>
    </message>
    <message>
        <source>Due period</source>
        <translation>应服务期间</translation>
    </message>
    <message>
        <source>Loading the record…</source>
        <extracomment>The record shown (None before the first one arrives).</extracomment>
        <translation>正在读取档案……</translation>
    </message>
    <message>
        <source>The record could not be read: {error}</source>
        <translation>无法读取档案：{error}</translation>
    </message>
    <message>
        <source>{age} years</source>
        <translation>{age}岁</translation>
    </message>
    <message>
        <source>Record number {number}</source>
        <translation>档案号 {number}</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>{label}:</source>
        <translation>{label}：</translation>
    </message>
    <message>
        <source>Contract: not signed</source>
        <translation>签约：未签约</translation>
    </message>
    <message>
        <source>Contract: {number} {status}, {start} to {end} · {team} · {doctor}</source>
        <translation>签约：{number} {status}，{start} 至 {end} · {team} · {doctor}</translation>
    </message>
    <message>
        <source>Nothing due now.</source>
        <translation>目前没有应做的服务。</translation>
    </message>
    <message>
        <source>Due now: {due}, overdue: {overdue} ({services})</source>
        <translation>本期应做 {due} 项，逾期 {overdue} 项（{services}）</translation>
    </message>
    <message>
        <source> (revision {revision})</source>
        <translation>（第 {revision} 版）</translation>
    </message>
    <message>
        <source>Covered</source>
        <translation>在约</translation>
    </message>
    <message>
        <source>Left on {day}</source>
        <translation>{day} 退出</translation>
    </message>
    <message>
        <source>Not covered</source>
        <translation>未在约</translation>
    </message>
    <message>
        <source>{start} to {end}</source>
        <translation>{start} 至 {end}</translation>
    </message>
    <message>
        <source>Done on {day}</source>
        <translation>{day} 已完成</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>Due now</source>
        <translation>本期应做</translation>
    </message>
    <message>
        <source>Upcoming</source>
        <translation>待服务</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>No. {n}</source>
        <translation>第 {n} 次</translation>
    </message>
    <message>
        <source>&amp;Timeline and chart</source>
        <translation>随访与图表(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Personal information</source>
        <translation>个人基本信息(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Contracts</source>
        <translation>签约(&amp;C)</translation>
    </message>
    <message>
        <source>P&amp;lanned services</source>
        <translation>履约计划(&amp;L)</translation>
    </message>
    <message>
        <source>No resident chosen</source>
        <translation>未选择居民</translation>
    </message>
</context>
<context>
    <name>ResidentsPage</name>
    <message>
        <source>All households</source>
        <translation>全部家庭</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>已签约</translation>
    </message>
    <message>
        <source>Not signed</source>
        <translation>未签约</translation>
    </message>
    <message>
        <source>Expiring within 30 days</source>
        <translation>30天内到期</translation>
    </message>
    <message>
        <source>Follow-up due</source>
        <translation>待随访</translation>
    </message>
    <message>
        <source>Your role may not view residents&apos; files.</source>
        <extracomment>The levels of the stacked area.</extracomment>
        <translation>您的角色不能查看居民档案。</translation>
    </message>
    <message>
        <source>&amp;Village:</source>
        <translation>村（居）(&amp;V)：</translation>
    </message>
    <message>
        <source>Stat&amp;us:</source>
        <translation>状态(&amp;U)：</translation>
    </message>
    <message>
        <source>New household</source>
        <translation>新建家庭</translation>
    </message>
    <message>
        <source>&amp;New household (Ctrl+N)</source>
        <translation>新建家庭(&amp;N)（Ctrl+N）</translation>
    </message>
    <message>
        <source>Register a new household in the chosen village (Ctrl+N)</source>
        <translation>在所选村（居）新建家庭档案（Ctrl+N）</translation>
    </message>
    <message>
        <source>← &amp;Back to the list (Esc)</source>
        <translation>← 返回家庭列表(&amp;B)（Esc）</translation>
    </message>
    <message>
        <source>Back to the village&apos;s households (Esc, Alt+Left)</source>
        <translation>返回本村的家庭列表（Esc，Alt+←）</translation>
    </message>
    <message>
        <source>← &amp;Back to the household (Esc)</source>
        <translation>← 返回家庭(&amp;B)（Esc）</translation>
    </message>
    <message>
        <source>Back to the household (Esc, Alt+Left)</source>
        <translation>返回家庭（Esc，Alt+←）</translation>
    </message>
    <message>
        <source>&amp;Edit household</source>
        <translation>修改家庭(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Add member</source>
        <translation>添加成员(&amp;A)</translation>
    </message>
    <message>
        <source>Edit &amp;member</source>
        <translation>修改成员(&amp;M)</translation>
    </message>
    <message>
        <source>Change &amp;head</source>
        <translation>更换户主(&amp;H)</translation>
    </message>
    <message>
        <source>Make the selected member the head of the household</source>
        <translation>把所选成员设为户主</translation>
    </message>
    <message>
        <source>&amp;Edit personal information (Ctrl+E)</source>
        <translation>修改个人基本信息(&amp;E)（Ctrl+E）</translation>
    </message>
    <message>
        <source>The whole personal information form (Ctrl+E)</source>
        <translation>完整的个人基本信息表（Ctrl+E）</translation>
    </message>
    <message>
        <source>Past &amp;history and diagnoses (Ctrl+H)</source>
        <translation>既往史与诊断(&amp;H)（Ctrl+H）</translation>
    </message>
    <message>
        <source>Add a diagnosis (hypertension, diabetes …), surgery, trauma or transfusion (Ctrl+H)</source>
        <translation>登记诊断（高血压、糖尿病……）、手术、外伤或输血（Ctrl+H）</translation>
    </message>
    <message>
        <source>Moved &amp;out</source>
        <translation>登记迁出(&amp;O)</translation>
    </message>
    <message>
        <source>Record &amp;death</source>
        <translation>登记死亡(&amp;D)</translation>
    </message>
    <message>
        <source>Vo&amp;id file</source>
        <translation>作废档案(&amp;I)</translation>
    </message>
    <message>
        <source>Open &amp;record (Enter)</source>
        <translation>打开档案(&amp;R)（Enter）</translation>
    </message>
    <message>
        <source>{count} households</source>
        <translation>共 {count} 户</translation>
    </message>
    <message>
        <source>Phone: {phone}</source>
        <translation>电话：{phone}</translation>
    </message>
    <message>
        <source>contract ends {date}</source>
        <translation>协议 {date} 到期</translation>
    </message>
    <message>
        <source>follow-up due</source>
        <translation>待随访</translation>
    </message>
    <message>
        <source>{count} members</source>
        <translation>{count} 名成员</translation>
    </message>
    <message>
        <source>Contracts terminated: {numbers}</source>
        <translation>已解约的协议：{numbers}</translation>
    </message>
</context>
<context>
    <name>SearchPopup</name>
    <message>
        <source>Name</source>
        <extracomment>Rows shown before the list scrolls. The narrowest the list is (it widens to its columns at larger fonts, within the window). The widest value each column usually shows (name with a status, sex, age, village, masked ID number, masked phone, record number).</extracomment>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村（居）</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Record number</source>
        <translation>健康档案号</translation>
    </message>
    <message>
        <source>{age} yrs</source>
        <translation>{age}岁</translation>
    </message>
    <message>
        <source>name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>pinyin</source>
        <translation>拼音</translation>
    </message>
    <message>
        <source>initials</source>
        <translation>首字母</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>record number</source>
        <translation>健康档案号</translation>
    </message>
    <message>
        <source>contact card</source>
        <translation>联系卡</translation>
    </message>
    <message>
        <source>Found by {field}</source>
        <translation>按{field}找到</translation>
    </message>
    <message>
        <source>No resident found.</source>
        <extracomment>The query whose answer is awaited (older answers are dropped). What the columns need together (the popup is made that wide when the window allows).</extracomment>
        <translation>没有找到居民。</translation>
    </message>
    <message>
        <source>The search failed: {error}</source>
        <translation>搜索失败：{error}</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>The resident (party B: the team)</source>
        <extracomment>The names of coded choices (the code itself is what is saved).</extracomment>
        <translation>居民（乙方为团队）</translation>
    </message>
    <message>
        <source>The team (party B: the resident)</source>
        <translation>团队（乙方为居民）</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Nothing to save.</source>
        <extracomment>The user chose an interface language (``zh_CN`` or ``en``); already saved. The idle lock&apos;s minutes changed (0: never); already saved. The application font&apos;s point size changed (already applied and saved).</extracomment>
        <translation>没有需要保存的修改。</translation>
    </message>
    <message>
        <source>Not saved: see the message beside the field.</source>
        <translation>未保存：请看输入框旁的说明。</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>在用</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>界面语言(&amp;L)：</translation>
    </message>
    <message>
        <source>Takes effect at once; no restart needed.</source>
        <translation>立即生效，无需重新启动。</translation>
    </message>
    <message>
        <source>Font si&amp;ze:</source>
        <translation>字号(&amp;Z)：</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> 磅</translation>
    </message>
    <message>
        <source>Lock the screen after &amp;idle minutes:</source>
        <translation>无操作多少分钟后锁屏(&amp;I)：</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>0 means never; Ctrl+L locks at once.</source>
        <translation>0 表示从不锁屏；按 Ctrl+L 立即锁屏。</translation>
    </message>
    <message>
        <source>Township settings</source>
        <translation>乡镇设置</translation>
    </message>
    <message>
        <source>Rules and contract settings shared by every computer of the township. Ctrl+S saves, Esc undoes the changes.</source>
        <translation>全乡镇各台电脑共用的规则和签约设置。Ctrl+S 保存，Esc 撤销修改。</translation>
    </message>
    <message>
        <source>Rules and contract settings of the township. Only an administrator can change them.</source>
        <translation>乡镇的规则和签约设置。只有管理员可以修改。</translation>
    </message>
    <message>
        <source>&amp;Save township settings</source>
        <translation>保存乡镇设置(&amp;S)</translation>
    </message>
    <message>
        <source>Save the changed settings (Ctrl+S)</source>
        <translation>保存修改过的设置（Ctrl+S）</translation>
    </message>
    <message>
        <source>&amp;Undo changes</source>
        <translation>撤销修改(&amp;U)</translation>
    </message>
    <message>
        <source>Show the saved values again (Esc)</source>
        <translation>恢复为已保存的值（Esc）</translation>
    </message>
    <message>
        <source>Staff and teams</source>
        <translation>工作人员和团队</translation>
    </message>
    <message>
        <source>Sign-in &amp;accounts:</source>
        <translation>登录账号(&amp;A)：</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Signs in here</source>
        <translation>本机可登录</translation>
    </message>
    <message>
        <source>Family doctor &amp;teams:</source>
        <translation>家庭医生团队(&amp;T)：</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Leader</source>
        <translation>团队长</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>Villages</source>
        <translation>负责村</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
</context>
<context>
    <name>SignContractDialog</name>
    <message>
        <source>Elderly 65+</source>
        <translation>65岁及以上老年人</translation>
    </message>
    <message>
        <source>Child 0-6</source>
        <translation>0-6岁儿童</translation>
    </message>
    <message>
        <source>Pregnant / postpartum</source>
        <translation>孕产妇</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>残疾人</translation>
    </message>
    <message>
        <source>Poverty relief</source>
        <translation>脱贫人口/低保/特困</translation>
    </message>
    <message>
        <source>Family-planning special</source>
        <translation>计划生育特殊家庭</translation>
    </message>
    <message>
        <source>Hypertension</source>
        <translation>高血压患者</translation>
    </message>
    <message>
        <source>Diabetes</source>
        <translation>2型糖尿病患者</translation>
    </message>
    <message>
        <source>Tuberculosis</source>
        <translation>肺结核患者</translation>
    </message>
    <message>
        <source>Severe mental disorder</source>
        <translation>严重精神障碍患者</translation>
    </message>
    <message>
        <source>Self</source>
        <translation>本人</translation>
    </message>
    <message>
        <source>Guardian</source>
        <translation>监护人</translation>
    </message>
    <message>
        <source>Representative</source>
        <translation>家庭代表（本人当面同意）</translation>
    </message>
    <message>
        <source>Father</source>
        <translation>父亲</translation>
    </message>
    <message>
        <source>Mother</source>
        <translation>母亲</translation>
    </message>
    <message>
        <source>Grandparent</source>
        <translation>祖父母、外祖父母</translation>
    </message>
    <message>
        <source>Elder sibling</source>
        <translation>兄、姐</translation>
    </message>
    <message>
        <source>Spouse</source>
        <translation>配偶</translation>
    </message>
    <message>
        <source>Adult child</source>
        <translation>成年子女</translation>
    </message>
    <message>
        <source>Other close relative</source>
        <translation>其他近亲属</translation>
    </message>
    <message>
        <source>Other person or organisation</source>
        <translation>其他个人或组织</translation>
    </message>
    <message>
        <source>Covered</source>
        <extracomment>The columns of the members&apos; lines.</extracomment>
        <translation>签约成员</translation>
    </message>
    <message>
        <source>Key populations</source>
        <translation>重点人群</translation>
    </message>
    <message>
        <source>Consent by</source>
        <translation>同意方</translation>
    </message>
    <message>
        <source>Consented</source>
        <translation>知情同意</translation>
    </message>
    <message>
        <source>Relationship</source>
        <translation>与被监护人关系</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>监护人身份证号</translation>
    </message>
    <message>
        <source>M&amp;embers and their consent</source>
        <extracomment>The covered members changed (the packages and the fees follow).</extracomment>
        <translation>签约成员与知情同意(&amp;E)</translation>
    </message>
    <message>
        <source>Sign a family doctor contract</source>
        <extracomment>Which part of the form shows a refusal about each field the services name. A contract was signed (the dialog then closes). A draft was saved (the dialog then closes). The form as first shown for a household given by the caller (None: not yet).</extracomment>
        <translation>家庭医生签约</translation>
    </message>
    <message>
        <source>Household</source>
        <extracomment>The user chose a household (Enter in the finder, or a click on it). The caller gave the household: nothing to look for.</extracomment>
        <translation>家庭</translation>
    </message>
    <message>
        <source>&amp;Village:</source>
        <translation>村(&amp;V)：</translation>
    </message>
    <message>
        <source>&amp;Household:</source>
        <translation>家庭(&amp;H)：</translation>
    </message>
    <message>
        <source>Household number, head&apos;s name or address</source>
        <translation>户号（档案号后几位）、户主姓名或地址</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>签约信息</translation>
    </message>
    <message>
        <source>&amp;Representative:</source>
        <translation>家庭代表(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Team:</source>
        <translation>团队(&amp;T)：</translation>
    </message>
    <message>
        <source>Family d&amp;octor:</source>
        <translation>家庭医生(&amp;O)：</translation>
    </message>
    <message>
        <source>Ter&amp;m:</source>
        <translation>签约期限(&amp;M)：</translation>
    </message>
    <message>
        <source> years</source>
        <translation> 年</translation>
    </message>
    <message>
        <source>Service &amp;packages and fees</source>
        <extracomment>The chosen packages changed (the fees are quoted again).</extracomment>
        <translation>服务包与费用(&amp;P)</translation>
    </message>
    <message>
        <source>Si&amp;gnature of the representative</source>
        <extracomment>:meth:`SignatureSection.signature` when there is neither a drawing nor &quot;on paper&quot;.</extracomment>
        <translation>家庭代表签名(&amp;G)</translation>
    </message>
    <message>
        <source>The representative (or guardian) signs below with the mouse or a pen.</source>
        <translation>请家庭代表（或监护人）用鼠标或手写笔在下方签名。</translation>
    </message>
    <message>
        <source>Sign on paper &amp;instead (blank signature lines)</source>
        <translation>改为在纸质协议上手写签名（签名处留空）(&amp;I)</translation>
    </message>
    <message>
        <source>No drawing is stored: the representative signs the printed form by hand (Alt+I; Tab passes over the pad)</source>
        <translation>不保存电子签名：由家庭代表在打印的协议书上手写签名（Alt+I；按 Tab 可跳过签名板）</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>清除(&amp;L)</translation>
    </message>
    <message>
        <source>Clear the signature (Delete on the pad)</source>
        <translation>清除签名（在签名板上按 Delete）</translation>
    </message>
    <message>
        <source>&amp;Sign</source>
        <translation>签约(&amp;S)</translation>
    </message>
    <message>
        <source>Sign the contract (Ctrl+S or Enter)</source>
        <translation>签约（Ctrl+S 或回车）</translation>
    </message>
    <message>
        <source>Save as &amp;draft</source>
        <translation>保存草稿(&amp;D)</translation>
    </message>
    <message>
        <source>Keep the contract as a draft to sign later</source>
        <translation>保存为草稿，稍后签约</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close without signing (Esc)</source>
        <translation>不签约，关闭 (Esc)</translation>
    </message>
    <message>
        <source>Your role may not sign contracts.</source>
        <translation>您的角色不能签约。</translation>
    </message>
    <message>
        <source>Close the form and discard what was entered?</source>
        <translation>关闭表单并放弃已填写的内容吗？</translation>
    </message>
    <message>
        <source>The representative has not signed on the pad yet. Draw the signature, or tick “Sign on paper instead” (Alt+I) to sign the printed form by hand.</source>
        <translation>家庭代表尚未在签名板上签名。请在签名板上签名，或勾选“改为在纸质协议上手写签名”（Alt+I），在打印的协议书上手写签名。</translation>
    </message>
    <message>
        <source>{name}: {fee} yuan per person and year (insurance {insurance}, public health {health}, resident {own})</source>
        <translation>{name}：每人每年 {fee} 元（医保 {insurance}，公卫 {health}，个人 {own}）</translation>
    </message>
    <message>
        <source>Sign draft {number}</source>
        <translation>草稿 {number} 签约</translation>
    </message>
    <message>
        <source>Head {head}, {address}</source>
        <translation>户主 {head}，{address}</translation>
    </message>
    <message>
        <source>{age} years</source>
        <translation>{age}岁</translation>
    </message>
    <message>
        <source>Agreed</source>
        <translation>已同意</translation>
    </message>
    <message>
        <source>Guardian&apos;s name</source>
        <translation>监护人姓名</translation>
    </message>
    <message>
        <source>Guardian&apos;s ID number</source>
        <translation>监护人身份证号</translation>
    </message>
    <message>
        <source>Already covered by contract {number}</source>
        <translation>已有合同 {number}</translation>
    </message>
    <message>
        <source>Contract {number} in force</source>
        <translation>合同 {number} 履约中</translation>
    </message>
    <message>
        <source>Total: choose members and packages.</source>
        <translation>合计：请选择成员和服务包。</translation>
    </message>
    <message>
        <source>{package}: {fee} × {count} person-years = {total} yuan</source>
        <translation>{package}：{fee} × {count} 人年 = {total} 元</translation>
    </message>
    <message>
        <source>Total {total} yuan (insurance {insurance}, public health {health}, resident pays {own}); {each} yuan per person and year</source>
        <translation>合计 {total} 元（医保基金 {insurance}，公卫经费 {health}，个人支付 {own}）；人均每年 {each} 元</translation>
    </message>
    <message>
        <source>Choose the household first.</source>
        <translation>请先选择家庭。</translation>
    </message>
    <message>
        <source>Tick at least one member.</source>
        <translation>请至少勾选一位签约成员。</translation>
    </message>
    <message>
        <source>Each member must agree before signing; not yet agreed: {names}</source>
        <translation>签约前每位成员都须知情同意，尚未同意：{names}</translation>
    </message>
    <message>
        <source>Choose a team with a family doctor.</source>
        <translation>请选择有家庭医生的团队。</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign-in needed: set FDCLIENT_USER and FDCLIENT_PASSWORD.</source>
        <extracomment>How long the screenshot mode waits for the page to load its figures. … and at least this long, for the reads a page makes as it is shown.</extracomment>
        <translation>需要登录：请设置 FDCLIENT_USER 和 FDCLIENT_PASSWORD。</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
</context>
<context>
    <name>SignaturePad</name>
    <message>
        <source>Sign here with the mouse or a pen; Delete clears the pad</source>
        <extracomment>Width of a stroke at the mouse&apos;s (or a pen&apos;s medium) pressure, in pixels. The drawing changed (a stroke was drawn or the pad cleared).</extracomment>
        <translation>请用鼠标或手写笔在此签名；按 Delete 清除</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
</context>
<context>
    <name>StatusDialog</name>
    <message>
        <source>Moved out: {name}</source>
        <translation>登记迁出：{name}</translation>
    </message>
    <message>
        <source>Record a death: {name}</source>
        <translation>登记死亡：{name}</translation>
    </message>
    <message>
        <source>Void the file of {name}</source>
        <translation>作废 {name} 的档案</translation>
    </message>
    <message>
        <source>The file stays; a contract goes on until it is terminated or expires.</source>
        <translation>档案保留；签约协议在解约或到期前继续有效。</translation>
    </message>
    <message>
        <source>The resident leaves their contract on that day; an emptied contract is terminated.</source>
        <translation>该居民自当日退出签约协议；没有其他成员的协议将被解约。</translation>
    </message>
    <message>
        <source>Only for a file registered by mistake or twice. The file is kept, marked void.</source>
        <translation>仅用于误建或重复建档的档案。档案不会删除，只标记为作废。</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>作废原因(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>日期(&amp;D)：</translation>
    </message>
    <message>
        <source>Write the date as 2026-06-01.</source>
        <translation>请按 2026-06-01 的格式填写日期。</translation>
    </message>
</context>
<context>
    <name>SyncFields</name>
    <message>
        <source>Name</source>
        <extracomment>Fields a conflict is most often about.</extracomment>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>作废</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村（居）</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>家庭</translation>
    </message>
    <message>
        <source>Head of household</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
</context>
<context>
    <name>SyncHistory</name>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>收到</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>拒收</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message>
        <source>Syncing…</source>
        <translation>同步中…</translation>
    </message>
    <message>
        <source>Authorisation revoked</source>
        <translation>授权已撤销</translation>
    </message>
    <message>
        <source>Not connected to a server</source>
        <translation>未接入服务器</translation>
    </message>
    <message>
        <source>Offline · {n} to upload</source>
        <translation>离线 · {n} 项待上传</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>{n} to upload</source>
        <translation>{n} 项待上传</translation>
    </message>
    <message>
        <source>Synced {time}</source>
        <translation>已同步 {time}</translation>
    </message>
    <message>
        <source>Never synced</source>
        <translation>尚未同步</translation>
    </message>
    <message>
        <source>{n} conflicts</source>
        <extracomment>The user clicked the badge: show the conflicts (or merge tasks) on the sync page.</extracomment>
        <translation>{n} 个冲突</translation>
    </message>
    <message>
        <source>{n} to merge</source>
        <translation>{n} 个待合并</translation>
    </message>
    <message>
        <source>Open the conflicts on the Sync page</source>
        <translation>在“数据同步”页查看冲突</translation>
    </message>
    <message>
        <source>This laptop keeps its data alone. The Sync page says how to connect it.</source>
        <translation>这台电脑的数据只保存在本机。“数据同步”页说明了如何接入服务器。</translation>
    </message>
    <message>
        <source>The county server no longer accepts this laptop. See the Sync page.</source>
        <translation>县级服务器已不再接受这台电脑，请看“数据同步”页。</translation>
    </message>
    <message>
        <source>The server cannot be reached. Your data is safe here and syncs when online.</source>
        <translation>连不上服务器。本机数据安全，联网后会自动同步。</translation>
    </message>
    <message>
        <source>Sync state with the county server</source>
        <translation>与县级服务器的同步状态</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <source>Contacting the server…</source>
        <extracomment>Minutes between two automatic syncs of an enrolled laptop (0: only by hand). A preference of this laptop (``ui.ini``), like the idle lock. The first automatic sync after sign-in waits this long (the window is drawn first).</extracomment>
        <translation>正在连接服务器…</translation>
    </message>
    <message>
        <source>Uploading changes…</source>
        <translation>正在上传本机的修改…</translation>
    </message>
    <message>
        <source>First sync: downloading the township…</source>
        <translation>首次同步：正在下载全乡镇的数据…</translation>
    </message>
    <message>
        <source>Downloading changes…</source>
        <translation>正在下载其他电脑的修改…</translation>
    </message>
    <message>
        <source>The server was restored: syncing everything again…</source>
        <translation>服务器已从备份恢复：正在重新同步全部数据…</translation>
    </message>
    <message>
        <source>Sync cancelled. What was already sent or received is kept; the rest goes next time.</source>
        <extracomment>A fresh :class:`SyncOverview` was read. A run started (True) or ended (False). ``(done, total, text)`` of the run under way (total 0: no count yet). A run ended well: its SyncReport. A run ended badly: the error and the message to show (empty for a quiet failure). The server could not be reached (True) or was reached (False). The connection to the server (None: one to the enrolled server&apos;s address per run).</extracomment>
        <translation>同步已取消。已经上传或下载的内容都已保存，其余的下次同步时继续。</translation>
    </message>
    <message>
        <source>This laptop is not connected to a county server: its data stays here only. To connect it, ask the county administrator for an enrolment code, then run in a terminal:</source>
        <translation>这台电脑还没有接入县级服务器：数据只保存在本机。要接入，请向县里的管理员要一个注册码，然后在命令行运行：</translation>
    </message>
    <message>
        <source>Your data is kept and uploaded with the first sync.</source>
        <translation>本机已有的数据会保留，并在第一次同步时上传。</translation>
    </message>
    <message>
        <source>The county server no longer accepts this laptop (authorisation revoked). Nothing here is lost: the data and the changes not yet uploaded stay on this laptop. Ask the county administrator for a new enrolment code and enrol again; meanwhile you can export the roster and make backups.</source>
        <translation>县级服务器已不再接受这台电脑（授权已撤销）。本机的数据不会丢失：数据和尚未上传的修改都保留在这台电脑上。请向县里的管理员要一个新的注册码重新注册；在此之前可以导出花名册、做备份。</translation>
    </message>
    <message>
        <source>Sync &amp;state</source>
        <translation>同步状态(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Conflicts ({n})</source>
        <translation>冲突(&amp;C)（{n}）</translation>
    </message>
    <message>
        <source>&amp;Conflicts</source>
        <translation>冲突(&amp;C)</translation>
    </message>
    <message>
        <source>To &amp;merge ({n})</source>
        <translation>待合并(&amp;M)（{n}）</translation>
    </message>
    <message>
        <source>To &amp;merge</source>
        <translation>待合并(&amp;M)</translation>
    </message>
    <message>
        <source>Sign in to see the sync with the county server.</source>
        <translation>登录后可查看与县级服务器的同步情况。</translation>
    </message>
    <message>
        <source>Saved on this laptop; it goes to the server with the next sync.</source>
        <extracomment>A decision was written (the page reads the counts again).</extracomment>
        <translation>已保存在本机，下次同步时发送到服务器。</translation>
    </message>
    <message>
        <source>Your role may not change this kind of record.</source>
        <translation>您的角色不能修改这类记录。</translation>
    </message>
    <message>
        <source>The same field was changed on two laptops. The server kept its value until a person chooses; every laptop of the township shows it. Choose a line, then what to keep.</source>
        <translation>同一项内容在两台电脑上都被修改了。在有人作出选择之前，服务器保留它原来的值；全乡镇的每台电脑都会显示这条冲突。请选中一行，再选择保留哪个值。</translation>
    </message>
    <message>
        <source>Keep &amp;mine</source>
        <translation>保留本机(&amp;M)</translation>
    </message>
    <message>
        <source>Keep &amp;theirs</source>
        <translation>保留对方(&amp;T)</translation>
    </message>
    <message>
        <source>Enter a &amp;new value…</source>
        <translation>输入新值(&amp;N)…</translation>
    </message>
    <message>
        <source>Keep the value written on this laptop (Alt+M)</source>
        <translation>保留本机填写的值（Alt+M）</translation>
    </message>
    <message>
        <source>Keep the value from the other laptop (Alt+T)</source>
        <translation>保留另一台电脑的值（Alt+T）</translation>
    </message>
    <message>
        <source>Type the right value (Alt+N)</source>
        <translation>输入正确的值（Alt+N）</translation>
    </message>
    <message>
        <source>Enter a new value</source>
        <translation>输入新值</translation>
    </message>
    <message>
        <source>{field}:</source>
        <translation>{field}：</translation>
    </message>
    <message>
        <source>Two records with one ID number whose name, birth date or sex differ, or two active contracts of one person. Merge them, keep them apart, or undo a merge made by mistake.</source>
        <translation>身份证号相同但姓名、出生日期或性别不一致的两份档案，或同一个人的两份有效签约。可以合并、确认不是同一人，或撤销误操作的合并。</translation>
    </message>
    <message>
        <source>Mer&amp;ge</source>
        <translation>合并(&amp;G)</translation>
    </message>
    <message>
        <source>Not the same &amp;person</source>
        <translation>不是同一人(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Undo merge</source>
        <translation>撤销合并(&amp;U)</translation>
    </message>
    <message>
        <source>Make them one record (Alt+G)</source>
        <translation>合并为一份档案（Alt+G）</translation>
    </message>
    <message>
        <source>They are two people: keep both records (Alt+P)</source>
        <translation>是两个人：两份档案都保留（Alt+P）</translation>
    </message>
    <message>
        <source>Split a merge made by mistake (Alt+U)</source>
        <translation>拆开误合并的档案（Alt+U）</translation>
    </message>
    <message>
        <source>This laptop and the county server</source>
        <translation>本机与县级服务器</translation>
    </message>
    <message>
        <source>Server:</source>
        <translation>服务器地址：</translation>
    </message>
    <message>
        <source>Township:</source>
        <translation>乡镇：</translation>
    </message>
    <message>
        <source>This device:</source>
        <translation>本机编号：</translation>
    </message>
    <message>
        <source>Enrolled by:</source>
        <translation>注册用户：</translation>
    </message>
    <message>
        <source>Last sync:</source>
        <translation>上次同步：</translation>
    </message>
    <message>
        <source>Changes to upload:</source>
        <translation>待上传的修改：</translation>
    </message>
    <message>
        <source>Refused by the server:</source>
        <translation>被服务器拒收：</translation>
    </message>
    <message>
        <source>S&amp;ync now</source>
        <translation>立即同步(&amp;Y)</translation>
    </message>
    <message>
        <source>Send this laptop&apos;s changes and fetch the others&apos; (Alt+Y)</source>
        <translation>上传本机的修改，并下载其他电脑的修改（Alt+Y）</translation>
    </message>
    <message>
        <source>Sync &amp;automatically every</source>
        <translation>自动同步间隔(&amp;A)</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>When enrolled and online; 0: only with Sync now</source>
        <translation>已注册且联网时自动同步；设为 0 则只在点“立即同步”时同步</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>同步记录(&amp;H)</translation>
    </message>
    <message>
        <source>Changes the server &amp;refused (kept on this laptop)</source>
        <translation>被服务器拒收的修改(&amp;R)（仍保留在本机）</translation>
    </message>
    <message>
        <source>Co&amp;py</source>
        <translation>复制(&amp;P)</translation>
    </message>
    <message>
        <source>Copy the chosen (or all) refused changes with their reasons</source>
        <translation>复制选中的（或全部）被拒收修改及原因</translation>
    </message>
    <message>
        <source>Sa&amp;ve as…</source>
        <translation>另存为(&amp;V)…</translation>
    </message>
    <message>
        <source>Save the refused changes as a file a spreadsheet opens</source>
        <translation>把被拒收的修改保存为电子表格能打开的文件</translation>
    </message>
    <message>
        <source>(last attempt: {error})</source>
        <translation>（最近一次尝试：{error}）</translation>
    </message>
    <message>
        <source>Synced: {pushed} changes sent, {pulled} received, {conflicts} conflicts, {rejected} refused.</source>
        <translation>同步完成：发送 {pushed} 项修改，收到 {pulled} 项，冲突 {conflicts} 项，被拒收 {rejected} 项。</translation>
    </message>
    <message>
        <source>Copied: paste into a spreadsheet or a message.</source>
        <translation>已复制：可以粘贴到电子表格或消息中。</translation>
    </message>
    <message>
        <source>Save the refused changes</source>
        <translation>保存被拒收的修改</translation>
    </message>
    <message>
        <source>refused_changes</source>
        <translation>被拒收的修改</translation>
    </message>
    <message>
        <source>Tab-separated text (*.tsv *.txt)</source>
        <translation>制表符分隔的文本 (*.tsv *.txt)</translation>
    </message>
    <message>
        <source>The file could not be written: {reason}</source>
        <translation>无法写入文件：{reason}</translation>
    </message>
    <message>
        <source>Saved: {path}</source>
        <translation>已保存：{path}</translation>
    </message>
</context>
<context>
    <name>SyncTables</name>
    <message>
        <source>Resident</source>
        <extracomment>The records a person meets on a conflict, by table (the rest show the table&apos;s name).</extracomment>
        <translation>居民</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>家庭</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>签约</translation>
    </message>
    <message>
        <source>Contract member</source>
        <translation>签约成员</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>随访</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>诊断</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村（居）</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>工作人员</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>转诊</translation>
    </message>
    <message>
        <source>Planned service</source>
        <translation>计划服务</translation>
    </message>
    <message>
        <source>Township setting</source>
        <translation>乡镇设置</translation>
    </message>
</context>
<context>
    <name>UnlockPanel</name>
    <message>
        <source>The screen is locked</source>
        <extracomment>The password typed (Enter or the Unlock button). Sign out was pressed (the lock signs out, or asks first: :meth:`confirm_sign_out`). The user confirmed signing out and discarding the input of the forms behind.</extracomment>
        <translation>屏幕已锁定</translation>
    </message>
    <message>
        <source>{who} is signed in. Enter the password to continue where you left off.</source>
        <translation>{who} 已登录。请输入密码，继续刚才的工作。</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Unlock</source>
        <translation>解锁(&amp;U)</translation>
    </message>
    <message>
        <source>Unlock (Enter)</source>
        <translation>解锁（Enter）</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>注销(&amp;O)</translation>
    </message>
    <message>
        <source>Sign {who} out so that another staff member can sign in (Alt+O)</source>
        <translation>注销 {who}，以便其他工作人员登录 (Alt+O)</translation>
    </message>
    <message>
        <source>Forms that {who} left open may hold input that is not saved. Signing out closes them and discards that input. To keep it, {who} unlocks with the password and saves first.</source>
        <translation>{who} 打开的表单中可能有尚未保存的内容。注销将关闭这些表单并放弃其中的内容。如需保留，请 {who} 输入密码解锁并先保存。</translation>
    </message>
    <message>
        <source>&amp;Discard and sign out</source>
        <translation>放弃内容并注销(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>返回(&amp;B)</translation>
    </message>
    <message>
        <source>Back to the password (Esc)</source>
        <translation>返回输入密码 (Esc)</translation>
    </message>
    <message>
        <source>Enter the password.</source>
        <translation>请输入密码。</translation>
    </message>
</context>
<context>
    <name>VisitForms</name>
    <message>
        <source>Hypertension follow-up</source>
        <extracomment>Services recorded on the generic service record (those without a form of their own). The forms, in the order of the form chooser, with their titles.</extracomment>
        <translation>高血压患者随访</translation>
    </message>
    <message>
        <source>Type 2 diabetes follow-up</source>
        <translation>2型糖尿病患者随访</translation>
    </message>
    <message>
        <source>Elderly annual health check</source>
        <translation>老年人健康体检</translation>
    </message>
    <message>
        <source>Home visit</source>
        <translation>入户服务</translation>
    </message>
    <message>
        <source>Service record</source>
        <translation>服务记录</translation>
    </message>
    <message>
        <source>Visit</source>
        <extracomment>How two editors are joined: &quot;target&quot; (本次 / 目标) or &quot;slash&quot; (收缩压 / 舒张压). Show the 本次 / 目标 column heads.</extracomment>
        <translation>随访</translation>
    </message>
    <message>
        <source>Visit date</source>
        <translation>随访日期</translation>
    </message>
    <message>
        <source>Visit mode</source>
        <translation>随访方式</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>体重</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>身高</translation>
    </message>
    <message>
        <source>Body-mass index (target)</source>
        <translation>目标体质指数</translation>
    </message>
    <message>
        <source>Heart rate</source>
        <translation>心率</translation>
    </message>
    <message>
        <source>beats/min</source>
        <translation>次/分钟</translation>
    </message>
    <message>
        <source>Dorsalis pedis pulse</source>
        <translation>足背动脉搏动</translation>
    </message>
    <message>
        <source>Other signs</source>
        <translation>其他体征</translation>
    </message>
    <message>
        <source>Signs (this visit / target)</source>
        <translation>体征（本次 / 目标）</translation>
    </message>
    <message>
        <source>Cigarettes a day</source>
        <translation>日吸烟量</translation>
    </message>
    <message>
        <source>cigarettes</source>
        <translation>支</translation>
    </message>
    <message>
        <source>Alcohol a day</source>
        <translation>日饮酒量</translation>
    </message>
    <message>
        <source>liang</source>
        <translation>两</translation>
    </message>
    <message>
        <source>Exercise</source>
        <translation>运动</translation>
    </message>
    <message>
        <source>times/week</source>
        <translation>次/周</translation>
    </message>
    <message>
        <source>Minutes each time</source>
        <translation>每次运动时间</translation>
    </message>
    <message>
        <source>min/time</source>
        <translation>分钟/次</translation>
    </message>
    <message>
        <source>Salt intake</source>
        <translation>摄盐情况（咸淡）</translation>
    </message>
    <message>
        <source>Staple food</source>
        <translation>主食</translation>
    </message>
    <message>
        <source>g/day</source>
        <translation>克/天</translation>
    </message>
    <message>
        <source>Psychological adjustment</source>
        <translation>心理调整</translation>
    </message>
    <message>
        <source>Compliance with advice</source>
        <translation>遵医行为</translation>
    </message>
    <message>
        <source>Lifestyle guidance (now / target)</source>
        <translation>生活方式指导（本次 / 目标）</translation>
    </message>
    <message>
        <source>HbA1c</source>
        <translation>糖化血红蛋白</translation>
    </message>
    <message>
        <source>HbA1c date</source>
        <translation>糖化血红蛋白检查日期</translation>
    </message>
    <message>
        <source>Other examinations</source>
        <translation>其他检查</translation>
    </message>
    <message>
        <source>Medication compliance</source>
        <translation>服药依从性</translation>
    </message>
    <message>
        <source>Adverse drug reaction</source>
        <translation>药物不良反应</translation>
    </message>
    <message>
        <source>Hypoglycaemic reactions</source>
        <translation>低血糖反应</translation>
    </message>
    <message>
        <source>Classification of this visit</source>
        <translation>此次随访分类</translation>
    </message>
    <message>
        <source>Insulin type</source>
        <translation>胰岛素种类</translation>
    </message>
    <message>
        <source>Insulin dose</source>
        <translation>胰岛素用法和用量</translation>
    </message>
    <message>
        <source>Danger signs (refer urgently after first aid)</source>
        <translation>危急情况（处理后紧急转诊）</translation>
    </message>
    <message>
        <source>Danger signs</source>
        <translation>危急情况</translation>
    </message>
    <message>
        <source>Symptoms</source>
        <translation>症状</translation>
    </message>
    <message>
        <source>Auxiliary examinations</source>
        <translation>辅助检查</translation>
    </message>
    <message>
        <source>Treatment</source>
        <translation>用药与分类</translation>
    </message>
    <message>
        <source>Medicines</source>
        <translation>用药情况</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>转诊</translation>
    </message>
    <message>
        <source>Referral reason</source>
        <translation>转诊原因</translation>
    </message>
    <message>
        <source>Institution and department</source>
        <translation>转诊机构及科别</translation>
    </message>
    <message>
        <source>Next visit</source>
        <translation>下次随访</translation>
    </message>
    <message>
        <source>&amp;Blood pressure</source>
        <translation>血压(&amp;B)</translation>
    </message>
    <message>
        <source>Fasting g&amp;lucose</source>
        <translation>空腹血糖(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Next visit date</source>
        <translation>下次随访日期(&amp;N)</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Visiting doctor</source>
        <translation>随访医生</translation>
    </message>
    <message>
        <source>Symptoms and general condition</source>
        <translation>症状与一般状况</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>体温</translation>
    </message>
    <message>
        <source>Pulse</source>
        <translation>脉率</translation>
    </message>
    <message>
        <source>Respiration</source>
        <translation>呼吸频率</translation>
    </message>
    <message>
        <source>breaths/min</source>
        <translation>次/分钟</translation>
    </message>
    <message>
        <source>Blood pressure, left</source>
        <translation>血压（左侧）</translation>
    </message>
    <message>
        <source>Blood pressure, right</source>
        <translation>血压（右侧）</translation>
    </message>
    <message>
        <source>Waist</source>
        <translation>腰围</translation>
    </message>
    <message>
        <source>Self-assessed health</source>
        <translation>健康状态自我评估</translation>
    </message>
    <message>
        <source>Self-care score</source>
        <translation>生活自理能力评分</translation>
    </message>
    <message>
        <source>points</source>
        <translation>分</translation>
    </message>
    <message>
        <source>Cognitive function</source>
        <translation>认知功能</translation>
    </message>
    <message>
        <source>Emotional state</source>
        <translation>情感状态</translation>
    </message>
    <message>
        <source>Laboratory tests</source>
        <translation>辅助检查</translation>
    </message>
    <message>
        <source>Haemoglobin</source>
        <translation>血红蛋白</translation>
    </message>
    <message>
        <source>Total cholesterol</source>
        <translation>总胆固醇</translation>
    </message>
    <message>
        <source>Triglycerides</source>
        <translation>甘油三酯</translation>
    </message>
    <message>
        <source>LDL cholesterol</source>
        <translation>低密度脂蛋白胆固醇</translation>
    </message>
    <message>
        <source>HDL cholesterol</source>
        <translation>高密度脂蛋白胆固醇</translation>
    </message>
    <message>
        <source>Serum creatinine</source>
        <translation>血清肌酐</translation>
    </message>
    <message>
        <source>Serum ALT</source>
        <translation>血清谷丙转氨酶</translation>
    </message>
    <message>
        <source>Serum AST</source>
        <translation>血清谷草转氨酶</translation>
    </message>
    <message>
        <source>ECG</source>
        <translation>心电图</translation>
    </message>
    <message>
        <source>Abdominal ultrasound</source>
        <translation>腹部B超</translation>
    </message>
    <message>
        <source>Evaluation and guidance</source>
        <translation>健康评价与指导</translation>
    </message>
    <message>
        <source>Health evaluation</source>
        <translation>健康评价</translation>
    </message>
    <message>
        <source>Abnormal findings</source>
        <translation>异常情况</translation>
    </message>
    <message>
        <source>Health guidance</source>
        <translation>健康指导</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务项目</translation>
    </message>
    <message>
        <source>Services given</source>
        <translation>服务内容</translation>
    </message>
    <message>
        <source>What was done</source>
        <translation>服务摘要</translation>
    </message>
    <message>
        <source>Blood glucose</source>
        <translation>血糖</translation>
    </message>
    <message>
        <source>This visit</source>
        <extracomment>Shown, not typed (the visiting doctor). The message line of each field (shared by the fields of a row). Set every text again in the current language.</extracomment>
        <translation>本次</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Other:</source>
        <translation>其他：</translation>
    </message>
    <message>
        <source>Medicine</source>
        <translation>药物名称</translation>
    </message>
    <message>
        <source>Times a day</source>
        <translation>每日次数</translation>
    </message>
    <message>
        <source>Dose each time</source>
        <translation>每次剂量</translation>
    </message>
    <message>
        <source>Targets, medicines and height are those of the follow-up of {day}: check them with the patient. Readings and symptoms are taken again.</source>
        <extracomment>A single-choice code or the service kind was chosen (field name). The user set the next visit date: proposals no longer replace it. The field whose message is shown (the last one marked). The follow-up whose targets and medicines were carried over (None: none).</extracomment>
        <translation>目标值、用药和身高取自 {day} 的随访：请与患者核对。本次的测量值和症状需重新测量、询问。</translation>
    </message>
    <message>
        <source>Enter a number here.</source>
        <translation>这里请填写数字。</translation>
    </message>
    <message>
        <source>Choose the service.</source>
        <translation>请选择服务项目。</translation>
    </message>
    <message>
        <source>Enter the visit date.</source>
        <translation>请填写随访日期。</translation>
    </message>
    <message>
        <source>Times a day must be a whole number.</source>
        <translation>每日次数应为整数。</translation>
    </message>
    <message>
        <source>BMI {value} kg/m²</source>
        <translation>体质指数 {value} kg/m²</translation>
    </message>
</context>
<context>
    <name>VisitLists</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <source>Chronic</source>
        <translation>慢病</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Revision</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Hypertension</source>
        <translation>高血压随访</translation>
    </message>
    <message>
        <source>Diabetes</source>
        <translation>糖尿病随访</translation>
    </message>
    <message>
        <source>Elderly check</source>
        <translation>老年人体检</translation>
    </message>
    <message>
        <source>Home visit</source>
        <translation>入户服务</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务记录</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <source>HT</source>
        <translation>高血压</translation>
    </message>
    <message>
        <source>DM</source>
        <translation>糖尿病</translation>
    </message>
</context>
<context>
    <name>VisitsPage</name>
    <message>
        <source>&amp;Village</source>
        <extracomment>The village combo&apos;s data for 全部村 (every resident of the township). The user chose a resident (a ResidentRow). A read failed (the exception; the page shows an FdError&apos;s message). The resident last chosen or shown.</extracomment>
        <translation>村（居）委会(&amp;V)</translation>
    </message>
    <message>
        <source>Fin&amp;d</source>
        <translation>查找(&amp;D)</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部村</translation>
    </message>
    <message>
        <source>Find in the township: name, pinyin, initials or number</source>
        <translation>在全乡镇查找：姓名、拼音、首字母或编号</translation>
    </message>
    <message>
        <source>Find in the village: name, pinyin, initials or number</source>
        <translation>在本村查找：姓名、拼音、首字母或号码</translation>
    </message>
    <message>
        <source>&amp;Records of this resident</source>
        <extracomment>A read failed (the exception).</extracomment>
        <translation>该居民的记录(&amp;R)</translation>
    </message>
    <message>
        <source>For&amp;m</source>
        <extracomment>Another form was chosen. The user typed in the form. A single-choice code was chosen in the form (field name). Enter in a field of the form or in the correction reason. The record the correction bar is about.</extracomment>
        <translation>表单(&amp;M)</translation>
    </message>
    <message>
        <source>Correction &amp;reason</source>
        <translation>更正原因(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the record (Ctrl+S or Enter)</source>
        <translation>保存记录（Ctrl+S 或回车）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Discard the typed form (Esc)</source>
        <translation>放弃已填写的表单（Esc）</translation>
    </message>
    <message>
        <source>Choose a resident on the left.</source>
        <translation>请在左侧选择居民。</translation>
    </message>
    <message>
        <source>male</source>
        <translation>男</translation>
    </message>
    <message>
        <source>female</source>
        <translation>女</translation>
    </message>
    <message>
        <source>{name}, {sex}, {age} years</source>
        <translation>{name}，{sex}，{age} 岁</translation>
    </message>
    <message>
        <source>Classification: {label}</source>
        <translation>分类：{label}</translation>
    </message>
    <message>
        <source>Next visit proposed by {day}</source>
        <translation>建议下次随访日期：{day} 之前</translation>
    </message>
    <message>
        <source>Refer urgently: {reason}</source>
        <translation>应紧急转诊：{reason}</translation>
    </message>
    <message>
        <source>Referral advised: {reason}</source>
        <translation>建议转诊：{reason}</translation>
    </message>
    <message>
        <source>Say why the record is corrected.</source>
        <extracomment>The visit being corrected (its current revision), if any. The reason dialog of a void, while it is open.</extracomment>
        <translation>请填写更正原因。</translation>
    </message>
    <message>
        <source>Correction saved: revision {revision} of the record.</source>
        <translation>更正已保存：该记录的第 {revision} 版。</translation>
    </message>
    <message>
        <source>Saved: {kind} of {day}.</source>
        <translation>已保存：{day} 的{kind}。</translation>
    </message>
    <message>
        <source>Next visit: {day}.</source>
        <translation>下次随访：{day}。</translation>
    </message>
    <message>
        <source>Discard the form?</source>
        <translation>放弃表单？</translation>
    </message>
    <message>
        <source>Discard what was typed in this form?</source>
        <translation>放弃本表单中已填写的内容吗？</translation>
    </message>
    <message>
        <source>Save or cancel the form being typed first.</source>
        <translation>请先保存或取消正在填写的表单。</translation>
    </message>
    <message>
        <source>Save or cancel the correction first.</source>
        <translation>请先保存或取消正在进行的更正。</translation>
    </message>
    <message>
        <source>Voided: {kind} of {day}.</source>
        <translation>已作废：{day} 的{kind}记录。</translation>
    </message>
    <message>
        <source>{kind} (voided)</source>
        <extracomment>The columns of VisitListModel that name the kind of record and give its findings.</extracomment>
        <translation>{kind}（已作废）</translation>
    </message>
    <message>
        <source>Voided: {reason}</source>
        <translation>已作废：{reason}</translation>
    </message>
    <message>
        <source>&amp;Correct…</source>
        <translation>更正(&amp;C)…</translation>
    </message>
    <message>
        <source>Vo&amp;id…</source>
        <translation>作废(&amp;I)…</translation>
    </message>
    <message>
        <source>Your role may not change records of this kind.</source>
        <translation>您的角色不能更改此类记录。</translation>
    </message>
    <message>
        <source>A saved record is not edited: a correction is a new revision (Alt+C, or Enter)</source>
        <translation>已保存的记录不能修改：更正会生成新的版本（Alt+C 或回车）</translation>
    </message>
    <message>
        <source>Void the selected record with a reason; it stays in the history (Alt+I, or Delete)</source>
        <translation>填写原因后作废所选记录，记录仍保留在历史中（Alt+I 或 Delete）</translation>
    </message>
    <message>
        <source>History of the record</source>
        <translation>记录的修改历史</translation>
    </message>
    <message>
        <source>Revision {revision}: {kind} of {day}</source>
        <translation>第 {revision} 版：{day} {kind}</translation>
    </message>
    <message>
        <source>corrected because: {reason}</source>
        <translation>更正原因：{reason}</translation>
    </message>
    <message>
        <source>voided: {reason}</source>
        <translation>已作废：{reason}</translation>
    </message>
    <message>
        <source>Correcting revision {revision} of {day}.</source>
        <translation>正在更正 {day} 记录的第 {revision} 版。</translation>
    </message>
</context>
<context>
    <name>VitalsChart</name>
    <message>
        <source>Systolic</source>
        <extracomment>Controlled below this value.</extracomment>
        <translation>收缩压</translation>
    </message>
    <message>
        <source>Diastolic</source>
        <translation>舒张压</translation>
    </message>
    <message>
        <source>Fasting glucose</source>
        <translation>空腹血糖</translation>
    </message>
    <message>
        <source>No blood pressure or fasting glucose readings yet.</source>
        <translation>还没有血压或空腹血糖记录。</translation>
    </message>
    <message>
        <source>Control target</source>
        <translation>控制目标</translation>
    </message>
</context>
<context>
    <name>VoidVisitDialog</name>
    <message>
        <source>Void the record</source>
        <extracomment>The reason typed (the OK button, Enter or Ctrl+S).</extracomment>
        <translation>作废记录</translation>
    </message>
    <message>
        <source>Void {record}? The record stays in the history, marked voided with your name and the reason; a planned service it fulfilled is open again.</source>
        <translation>作废 {record}？记录仍保留在历史中，标为已作废，并记下您的姓名和原因；它完成的计划服务将重新变为待服务。</translation>
    </message>
    <message>
        <source>&amp;Reason for voiding</source>
        <translation>作废原因(&amp;R)</translation>
    </message>
    <message>
        <source>For example: recorded for the wrong resident</source>
        <translation>例如：录错了居民</translation>
    </message>
    <message>
        <source>&amp;Void the record</source>
        <translation>作废记录(&amp;V)</translation>
    </message>
    <message>
        <source>Void (Enter or Ctrl+S)</source>
        <translation>作废（回车或 Ctrl+S）</translation>
    </message>
</context>
<context>
    <name>WorklistModel</name>
    <message>
        <source>Name</source>
        <extracomment>Rows read at once when the view reaches a row not read yet. (header, the database sort of the column).</extracomment>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村（居）</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>To do</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应办日期</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>天数</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Family doctor</source>
        <translation>家庭医生</translation>
    </message>
    <message>
        <source>{subject} (last {date})</source>
        <extracomment>The user asked for another order (:attr:`sort_column`, :attr:`descending`).</extracomment>
        <translation>{subject}（上次 {date}）</translation>
    </message>
    <message>
        <source>never followed up</source>
        <translation>从未随访</translation>
    </message>
    <message>
        <source>{days} days overdue</source>
        <translation>逾期 {days} 天</translation>
    </message>
    <message>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>in {days} days</source>
        <translation>还有 {days} 天</translation>
    </message>
</context>
<context>
    <name>WorklistsPage</name>
    <message>
        <source>Follow-ups overdue</source>
        <extracomment>The lists in the order of the chooser.</extracomment>
        <translation>逾期随访</translation>
    </message>
    <message>
        <source>Follow-ups due this week</source>
        <translation>本周应随访</translation>
    </message>
    <message>
        <source>Contracts expiring within 30 days</source>
        <translation>30天内到期的协议</translation>
    </message>
    <message>
        <source>Contracts expiring within 60 days</source>
        <translation>60天内到期的协议</translation>
    </message>
    <message>
        <source>Key populations not signed</source>
        <translation>未签约的重点人群</translation>
    </message>
    <message>
        <source>Planned services due</source>
        <translation>应提供的计划服务</translation>
    </message>
    <message>
        <source>Reading…</source>
        <extracomment>What show_list asked for before the villages, teams and doctors were read.</extracomment>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>{count} items</source>
        <translation>共 {count} 项</translation>
    </message>
    <message>
        <source>&amp;List:</source>
        <translation>清单(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Village:</source>
        <translation>村(&amp;V)：</translation>
    </message>
    <message>
        <source>&amp;Team:</source>
        <translation>团队(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Doctor:</source>
        <translation>家庭医生(&amp;D)：</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部村（居）</translation>
    </message>
    <message>
        <source>All teams</source>
        <translation>全部团队</translation>
    </message>
    <message>
        <source>All doctors</source>
        <translation>全部家庭医生</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Read the list again (F5)</source>
        <translation>重新读取清单（F5）</translation>
    </message>
    <message>
        <source>Enter opens the resident; click a header (or F6) to sort by another column</source>
        <translation>回车打开居民档案；点击列标题（或按 F6）按其他列排序</translation>
    </message>
</context>
</TS>
