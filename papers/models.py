# Paper and Recording arrive with the papers and recordings issue.
