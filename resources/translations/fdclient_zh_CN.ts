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
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
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
