"""Reference data and pure guidance rules that intake screens and letters draw on.

- ``topics``: the joint-working (LGSCO) indicator topics of ¶1.51 / requirements §D.5 (INT-040).
- ``signposting``: where a complainant without an MP referral is directed (¶2.51–2.54, ASM-028).

Nothing here touches the database: the values are the guidance's, held in code.
"""
