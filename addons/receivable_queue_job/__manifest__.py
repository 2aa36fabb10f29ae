{
    "name": "Receivables Automation - Job Queue",
    "summary": "Send the daily run's reminders as queue jobs spread over servers (OCA queue_job)",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "Receivables Automation contributors",
    "license": "LGPL-3",
    "depends": ["receivable_automation", "queue_job"],
    "data": [
        "data/queue_job_data.xml",
    ],
    "auto_install": True,
}
