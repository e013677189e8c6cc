"""What comes in: helpdesk exports, dates as tools write them, mail, parties from a spreadsheet."""
