"""The documents SKM produces: the Laporan Hasil SKM and the quarterly evaluation (PDF), the official
workbooks (Excel), the regional recap and the public "Hasil SKM" notice. Every figure comes from
reports.selectors (the tallies) and reports.ikm; templates only show strings prepared here."""
