"""The SQL the register, the Datasette canned queries, the report and the benchmark share.

Every query reads ``minutes.sqlite`` (the extraction tables and `pipeline.derived`'s tables).
Named parameters are SQLite's ``:name``; an empty ``:as_of`` means today, so a Datasette form left
blank still works. Open means neither done nor re-issued: ``open``, ``in-progress``,
``unreported``; overdue means open with a deadline before the as-of day.
"""
from __future__ import annotations

# a scalar subquery: SQLite computes it once per statement, not once per row (date('now') per row
# took half the time of the open-by-office query on the 3,000-document benchmark archive)
AS_OF = "(SELECT coalesce(nullif(:as_of, ''), date('now')))"
OPEN = "status IN ('open', 'in-progress', 'unreported')"
OVERDUE = f"({OPEN} AND deadline IS NOT NULL AND deadline < {AS_OF})"

# Open and overdue decisions per office and committee (the auditors' first question).
OPEN_BY_OFFICE = f"""
SELECT office, committee, count(*) AS open_decisions,
       count(CASE WHEN deadline < {AS_OF} THEN 1 END) AS overdue,
       min(CASE WHEN deadline < {AS_OF} THEN deadline END) AS oldest_overdue_deadline,
       {AS_OF} AS as_of
FROM register
WHERE {OPEN}
GROUP BY office, committee
ORDER BY overdue DESC, open_decisions DESC, office
"""

# Every open decision (optionally of one office), oldest deadline first, with its evidence.
OPEN_DECISIONS = f"""
SELECT office, committee, meeting_date, deadline, status, {OVERDUE} AS overdue,
       CASE WHEN {OVERDUE} THEN CAST(julianday({AS_OF}) - julianday(deadline) AS INTEGER) END AS days_overdue,
       decision, responsible, page, quote, progress, status_word, reported_date, report_page,
       doc_id, idx, path
FROM register
WHERE {OPEN} AND (coalesce(:office, '') = '' OR office = :office)
ORDER BY deadline IS NULL, deadline, meeting_date, doc_id, idx
"""

# The decisions of one meeting.
MEETING_DECISIONS = """
SELECT idx, decision, responsible, deadline, status, status_word, progress, reported_date, reports,
       reissued_in, reissued_idx, reissue_of, reissue_of_idx, page, quote, office, committee,
       meeting_date, title, doc_id, path
FROM register WHERE doc_id = :doc_id ORDER BY idx
"""

# A decision's history: the decision, every report on it in date order, and its re-issue.
DECISION_HISTORY = """
SELECT 0 AS seq, meeting_date AS date, 'decision' AS kind, doc_id AS in_doc, idx AS item,
       status, NULL AS status_word, decision AS text, page, NULL AS line, quote, NULL AS match_score
FROM register WHERE doc_id = :doc_id AND idx = :idx
UNION ALL
SELECT seq, report_date, 'report', report_doc_id, report_idx, status, status_word, progress,
       report_page, report_line, report_quote, match_score
FROM register_reports WHERE doc_id = :doc_id AND idx = :idx
UNION ALL
SELECT 1000, n.meeting_date, 're-issued as', n.doc_id, n.idx, n.status, NULL, n.decision, n.page,
       NULL, n.quote, o.reissue_score
FROM register o JOIN register n ON n.doc_id = o.reissued_in AND n.idx = o.reissued_idx
WHERE o.doc_id = :doc_id AND o.idx = :idx
ORDER BY seq
"""

# Compliance of one office: every activity's latest target and achievement.
OFFICE_COMPLIANCE = """
SELECT office, activity_code, unit, target, achieved, rate, gap, meeting_date, reports, page, quote,
       doc_id, path
FROM compliance WHERE office = :office ORDER BY activity_code, unit
"""

# Bangla full-text search over decisions (decisions_fts: Bangla marks kept inside words); the
# words are one phrase whose last word may be a prefix: "প্রশিক্ষণ" finds "প্রশিক্ষণের" too.
SEARCH_DECISIONS = """
WITH hits AS MATERIALIZED (
  SELECT m.office, m.meeting_date, m.title, d.page, d.quote, d.text AS decision, d.doc_id, d.idx,
         m.path, bm25(decisions_fts) AS rank
  FROM decisions_fts f
  JOIN decisions d ON d.doc_id = f.doc_id AND d.idx = f.idx
  JOIN meetings m ON m.doc_id = d.doc_id
  WHERE decisions_fts MATCH '"' || replace(:q, '"', '') || '"*'
)
SELECT office, meeting_date, title, page, quote, min(decision) AS decision, min(doc_id) AS doc_id,
       min(idx) AS idx, min(path) AS path
FROM hits
GROUP BY office, meeting_date, title, page, quote  -- one line per hit: a decision listed twice
ORDER BY min(rank), meeting_date, doc_id, idx
LIMIT 200
"""

# Per office: meetings, decisions, open, overdue, done (the report's summary).
OFFICE_SUMMARY = f"""
SELECT s.office, s.meetings, coalesce(r.decisions, 0) AS decisions, coalesce(r.open, 0) AS open,
       coalesce(r.overdue, 0) AS overdue, coalesce(r.done, 0) AS done,
       coalesce(r.in_progress, 0) AS in_progress, coalesce(r.reissued, 0) AS reissued
FROM (SELECT office, count(*) AS meetings FROM meeting_series GROUP BY office) s
LEFT JOIN (SELECT office, count(*) AS decisions, sum({OPEN}) AS open, sum({OVERDUE}) AS overdue,
                  sum(status = 'done') AS done, sum(status = 'in-progress') AS in_progress,
                  sum(status = 're-issued') AS reissued
           FROM register GROUP BY office) r ON r.office IS s.office
ORDER BY overdue DESC, open DESC, s.office
"""

CANNED = {
    "open_by_office": ("Open and overdue decisions by office", "দপ্তরভিত্তিক অনিষ্পন্ন ও মেয়াদোত্তীর্ণ সিদ্ধান্ত", OPEN_BY_OFFICE),
    "open_decisions": ("Open decisions, oldest deadline first", "অনিষ্পন্ন সিদ্ধান্ত (পুরোনো সময়সীমা আগে)", OPEN_DECISIONS),
    "meeting_decisions": ("Decisions of one meeting", "একটি সভার সিদ্ধান্তসমূহ", MEETING_DECISIONS),
    "decision_history": ("A decision's history", "একটি সিদ্ধান্তের ইতিহাস", DECISION_HISTORY),
    "office_compliance": ("Compliance of one office", "একটি দপ্তরের লক্ষ্যমাত্রা অর্জন", OFFICE_COMPLIANCE),
    "search_decisions": ("Full-text search over decisions (Bangla)", "সিদ্ধান্তে পূর্ণ-পাঠ অনুসন্ধান", SEARCH_DECISIONS),
}
