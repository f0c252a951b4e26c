"""Early consideration (¶2.97–2.114, ASM-052…060) and resolution at early consideration
(¶2.132–2.141, ASM-066…070): §B.3 T20–T23."""
