"""The warehouse file and its raw data: loading and checking raw files, the landing
folder, the seeds' checks, the data-quality summary, the lock / copy / swap."""
