"""The care pathway: the assessment note (kartlegging), the plan, and stepped-care reviews."""
