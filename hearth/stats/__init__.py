"""Statistics that show where the system is failing children (issue 15): measures by
period and area, rates per 10,000 children from ONS estimates, DfE's published figures
beside them, and disclosure control on everything analysts see."""
