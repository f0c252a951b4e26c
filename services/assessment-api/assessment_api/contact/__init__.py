"""Contact after allocation at further consideration (¶2.212–2.226, ASM-099…104, C-07, C-08):
first contact, the method, each attempt, the conversation checklist, the MP, and 'withdrawn'."""
