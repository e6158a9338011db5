"""The monthly M/M report: figures, the overview, the chart and the exports."""
