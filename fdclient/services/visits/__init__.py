"""Visit records (履约记录): follow-ups, checks, home visits and generic service records.

``forms`` (the input forms and their checking), ``eligibility`` (who a visit may be recorded
for), ``assessment`` (classification and referral advice of follow-ups), ``fulfilment``
(which planned service a visit fulfils), ``recording`` (recording, correcting, voiding),
``records`` (reading them), ``carryover`` (what a new follow-up takes from the last one) and
``desk`` (what the GUI reads before a form is typed).
"""
