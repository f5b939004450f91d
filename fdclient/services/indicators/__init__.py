"""Assessment indicators (考核指标): definitions, SQL, the report and the GUI summary."""
