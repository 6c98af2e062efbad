"""MARAC meetings: agendas, each case heard with attendance, risks, the household's
children and actions (issue 14 §3)."""
