"""The writes of cases/, a module per thing they change: a case's profile, its documents, comments, specialty reviews,
packets, plan-change records, follow-through, second-opinion requests and their reports. Each runs in a transaction
and audits itself. The steps that also move a case on an agenda are the case's lifecycle (cases/lifecycle/)."""
