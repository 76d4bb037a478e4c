#!/bin/bash
#SBATCH -p batch -n1 --mem=200 -w c3 -t 60
#SBATCH hetjob
#SBATCH -p scavenger -n1 --mem=200 -w c2 -t 60
sleep 3000
