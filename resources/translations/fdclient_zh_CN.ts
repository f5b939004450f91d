<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <extracomment>The smallest screen the window must work on (old village laptops). The search box&apos;s text as the user types (the resident search listens). The page now shown (its index).</extracomment>
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
        <source>&amp;Search:</source>
        <translation>搜索(&amp;S)：</translation>
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
        <source>Follow-ups due, contracts expiring, key populations not signed.</source>
        <translation>到期随访、即将到期的协议、未签约的重点人群。</translation>
    </message>
    <message>
        <source>Reports</source>
        <extracomment>The pages of later issues: name, title and what will be there.</extracomment>
        <translation>报表导出</translation>
    </message>
    <message>
        <source>Contract forms, cards, walking lists and Excel rosters.</source>
        <translation>协议书、联系卡、入户清单和 Excel 花名册。</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>数据同步</translation>
    </message>
    <message>
        <source>Synchronisation with the county server.</source>
        <translation>与县级服务器同步数据。</translation>
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
    <name>SignInDialog</name>
    <message>
        <source>Sign-in needed: set FDCLIENT_USER and FDCLIENT_PASSWORD.</source>
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
</TS>
