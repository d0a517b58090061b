# Exports the two public data sets used to compare our engine with brms:
#   data/public/epilepsy.csv  brms::epilepsy  (Thall & Vail 1990; brms, GPL-2)
#   data/public/quine.csv     MASS::quine     (Quine 1975 via Aitkin 1978; MASS, GPL-2 | GPL-3)
#
#   Rscript scripts/brms/export-data.R      # from the repository root
#
# epilepsy's treatment factor Trt is stored by brms as "0"/"1"; a CSV column of 0/1 would
# read back as a number, so it is written as "placebo"/"treated" (same order, so the same
# reference level and the same estimates; brms names the term `Trttreated`).
suppressPackageStartupMessages({
  library(brms)
  library(MASS)
})

write_atomic <- function(df, path) {
  tmp <- paste0(path, ".tmp")
  write.csv(df, tmp, row.names = FALSE, quote = TRUE)
  invisible(file.rename(tmp, path))
}

dir.create("data/public", showWarnings = FALSE, recursive = TRUE)

ep <- brms::epilepsy
ep$Trt <- factor(ifelse(as.character(ep$Trt) == "1", "treated", "placebo"))
ep <- ep[, c("count", "zAge", "zBase", "Trt", "patient", "visit", "Age", "Base", "obs")]
write_atomic(ep, "data/public/epilepsy.csv")

qu <- MASS::quine
qu <- qu[, c("Days", "Eth", "Sex", "Age", "Lrn")]
write_atomic(qu, "data/public/quine.csv")

cat("wrote data/public/epilepsy.csv (", nrow(ep), "rows) and data/public/quine.csv (",
    nrow(qu), "rows)\n")
