"""The steps of a case's life that span cases/ and scheduling/, in one floor that calls down into both (README,
"Architecture"):

    case_actions.case_transition("submit")   draft → submitted; allocation enqueued
    agenda.agenda_allocate(_many) / place    submitted → scheduled on a meeting with room (many in one pass: the
                                             sweep); packets requested
    agenda.meeting_transition("start")       the meeting runs
    recommendation.plan_record(board)        scheduled → discussed (presented) → recommended; changes detected
    agenda.meeting_transition("complete")    cases not presented roll over: scheduled → deferred → scheduled
    case_actions / second_opinions           withdraw, decline, cancel: the slot is released

scheduling/ never calls back into cases/: its services change boards, meetings and agenda rows only.
"""
