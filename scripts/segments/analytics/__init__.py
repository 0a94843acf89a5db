"""The models' maths: BG/NBD and Gamma-Gamma (clv/), their glue for the dbt Python
models (clv_model), the k-means clusters, and the per-as-of-date helpers."""
