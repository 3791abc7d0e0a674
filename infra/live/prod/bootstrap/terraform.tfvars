region          = "eu-west-1"
bucket_name     = "civet-api-prod-tfstate"
lock_table_name = "civet-api-prod-tflock"
