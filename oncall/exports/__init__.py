"""Final shifts leaving the portal: iCalendar feeds and XLSX sheets."""
