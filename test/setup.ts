import { Testing } from 'cdktf';

// enables cdktf's matchers (toHaveResourceWithProperties …)
Testing.setupJest();
process.env.CHECKPOINT_DISABLE = '1';
