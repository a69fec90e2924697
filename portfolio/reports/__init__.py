"""The yearly follow-up (årsuppföljning) for kommunstyrelsen, built from the dashboards."""
