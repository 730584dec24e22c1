"""Grading a whole class: find each student's submission, grade them in parallel, keep a gradebook.

Modules, in the order data flows:

    roster      find the students in a submissions folder (plain, GitHub Classroom or Gradescope export layout)
    archive     unpack a student's zip safely (no escaping paths, no links, size caps)
    student     grade one student: locate the code and quiz answers, run ``grade()`` and the quizzes
    records     one student's record on disk (JSON, written atomically), and what makes a record current
    pool        long-lived grading processes, each grading many students, with a time budget per student
    autograde   the class run: resume, shard, grade in parallel, write records and feedback as they come
    feedback    a student's feedback in markdown, from their record
    gradebook   the gradebook CSV and the class summary from the records; merging shards

The layouts ``roster`` accepts are documented in docs/classroom.md.
"""
